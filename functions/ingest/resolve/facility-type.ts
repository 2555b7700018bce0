import type { FacilityType } from '../../domain/jurisdiction';
import { isFacilityType } from '../../domain/jurisdiction';

/**
 * Who holds a facility, read from its name as ICE writes it. Tested on the words of the name joined by
 * single spaces (`CORR.FAC.` → `CORR FAC`, `U.S. PEN.` → `U S PEN`), first match wins:
 * ICE and contract centres, then federal, then state prisons that name themselves so, then police,
 * then anything with a county marker or a jail word, then state prisons by weaker words
 * (`X CORR. INSTITUTION`, `X PRISON`, `X CORR.FAC.` without a county), else `other`.
 */
const RULES: [FacilityType, RegExp][] = [
  [
    'ice',
    /\b(SPC|ICE|ERO|IPC|CDF|IAH|SERVICE PROCESSING|PROCESSING (CENTER|CTR|CENT)|HOLD ?ROOM|STAGING|HUB|CONTRACT DETENTION|DETENTION COMPLEX|RESIDENTIAL (CENTER|CTR)|CCA|GEO|CORECIVIC|KROME|ADELANTO|DELANEY HALL|FIELD OFFICE|SUB ?OFFICE|NORTHWEST DETENTION|STEWART DETENTION|OTAY MESA)\b/,
  ],
  [
    'federal',
    /\b(FDC|USP|FCI|FCC|FMC|FPC|MCC|BOP|USMS|USM|MARSHALS?|MARSHALLS?|U ?S PEN|US PENITENTIARY|FEDERAL|FED|METROPOLITAN DETENTION CENTER|MDC (BROOKLYN|LOS ANGELES|GUAYNABO))\b/,
  ],
  ['state', /\b(SCI|CDCR|TDCJ|STATE (PRISON|PEN\w*|CORR\w*|FARM|HOSPITAL|INST\w*)|CONSERVATION CAMP|PAROLE)\b/],
  ['police', /\b(POLICE|[A-Z]{0,3}PD|PCT|PRECINCT|POLICE DIST\w*|DISTRICT STATION|CONSTABLE|TROOP|STATE PATROL|HIGHWAY PATROL)\b/],
  [
    'local',
    /\b(COUNTY|CNTY|CO|CTY|PARISH|PAR|BOROUGH|BORO|JAIL|SHERIFF\w*|SO|DETENTION|DET|JUSTICE (CENTER|CTR)|HOUSE OF CORR\w*|HOC|ADC|MDC|REGIONAL|RIKERS|TOMBS|BOOKING|INTAKE|YOUTH|JUVENILE|JUV|LOCKUP|CITY|CORRECTIONS|CORRECTIONAL (CENTER|CTR)|CORR (CENTER|CTR))\b/,
  ],
  [
    'state',
    /\b(DOC|IDOC|MDOC|DEPT OF CORR\w*|DEPARTMENT OF CORRECTIONS?|(DEPT|DEPARTMENT) OF CRIMINAL JUSTICE|CI|CORR\w* INST\w*|PRISON|PENITENTIARY|RECEPT\w*|CORR\w* FAC\w*|CORRECTIONAL|CORR)\b/,
  ],
];

/** What a source may state as a facility's type ("USMS", "County Jail", "SPC", "BOP", or a FacilityType). */
function statedType(stated: string | undefined): FacilityType | undefined {
  if (!stated) return undefined;
  const text = words(stated).join(' ');
  if (isFacilityType(text.toLowerCase())) return text.toLowerCase() as FacilityType;
  if (/\b(IGSA|COUNTY|JAIL|LOCAL)\b/.test(text)) return 'local';
  return RULES.find(([, pattern]) => pattern.test(text))?.[0];
}

export function facilityType(name: string, stated?: string): FacilityType {
  const fromSource = statedType(stated);
  if (fromSource) return fromSource;
  const text = words(name).join(' ');
  return RULES.find(([, pattern]) => pattern.test(text))?.[0] ?? 'other';
}

/** The words of a name: upper case, apostrophes dropped, everything else a separator. */
export function words(name: string): string[] {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['’]/g, '')
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}
