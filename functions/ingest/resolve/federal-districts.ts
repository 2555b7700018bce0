/**
 * The city where each federal judicial district's US Marshals office sits, for `US MARSHALS, COLORADO`
 * or `US MARSHALS,S.DIST.FL` written without a city: the detainer was lodged with that office. Keyed
 * `STATE` for a one-district state and `STATE:N|S|E|W|C|M` otherwise (28 U.S.C. §§ 81-131).
 */
const SEATS: Record<string, string> = {
  AK: 'ANCHORAGE', AZ: 'PHOENIX', CO: 'DENVER', CT: 'NEW HAVEN', DE: 'WILMINGTON', DC: 'WASHINGTON', HI: 'HONOLULU',
  ID: 'BOISE', KS: 'KANSAS CITY', ME: 'PORTLAND', MD: 'BALTIMORE', MA: 'BOSTON', MN: 'MINNEAPOLIS', MT: 'BILLINGS',
  NE: 'OMAHA', NV: 'LAS VEGAS', NH: 'CONCORD', NJ: 'NEWARK', NM: 'ALBUQUERQUE', ND: 'BISMARCK', OR: 'PORTLAND',
  RI: 'PROVIDENCE', SC: 'COLUMBIA', SD: 'SIOUX FALLS', UT: 'SALT LAKE CITY', VT: 'BURLINGTON', WY: 'CHEYENNE',
  PR: 'SAN JUAN', GU: 'HAGATNA', VI: 'CHARLOTTE AMALIE',
  'AL:N': 'BIRMINGHAM', 'AL:M': 'MONTGOMERY', 'AL:S': 'MOBILE',
  'AR:E': 'LITTLE ROCK', 'AR:W': 'FORT SMITH',
  'CA:N': 'SAN FRANCISCO', 'CA:E': 'SACRAMENTO', 'CA:C': 'LOS ANGELES', 'CA:S': 'SAN DIEGO',
  'FL:N': 'TALLAHASSEE', 'FL:M': 'TAMPA', 'FL:S': 'MIAMI',
  'GA:N': 'ATLANTA', 'GA:M': 'MACON', 'GA:S': 'SAVANNAH',
  'IL:N': 'CHICAGO', 'IL:C': 'SPRINGFIELD', 'IL:S': 'EAST SAINT LOUIS',
  'IN:N': 'SOUTH BEND', 'IN:S': 'INDIANAPOLIS',
  'IA:N': 'CEDAR RAPIDS', 'IA:S': 'DES MOINES',
  'KY:E': 'LEXINGTON', 'KY:W': 'LOUISVILLE',
  'LA:E': 'NEW ORLEANS', 'LA:M': 'BATON ROUGE', 'LA:W': 'SHREVEPORT',
  'MI:E': 'DETROIT', 'MI:W': 'GRAND RAPIDS',
  'MS:N': 'OXFORD', 'MS:S': 'JACKSON',
  'MO:E': 'SAINT LOUIS', 'MO:W': 'KANSAS CITY',
  'NY:N': 'SYRACUSE', 'NY:S': 'NEW YORK', 'NY:E': 'BROOKLYN', 'NY:W': 'BUFFALO',
  'NC:E': 'RALEIGH', 'NC:M': 'GREENSBORO', 'NC:W': 'CHARLOTTE',
  'OH:N': 'CLEVELAND', 'OH:S': 'COLUMBUS',
  'OK:N': 'TULSA', 'OK:E': 'MUSKOGEE', 'OK:W': 'OKLAHOMA CITY',
  'PA:E': 'PHILADELPHIA', 'PA:M': 'SCRANTON', 'PA:W': 'PITTSBURGH',
  'TN:E': 'KNOXVILLE', 'TN:M': 'NASHVILLE', 'TN:W': 'MEMPHIS',
  'TX:N': 'DALLAS', 'TX:S': 'HOUSTON', 'TX:E': 'TYLER', 'TX:W': 'SAN ANTONIO',
  'VA:E': 'ALEXANDRIA', 'VA:W': 'ROANOKE',
  'WA:E': 'SPOKANE', 'WA:W': 'SEATTLE',
  'WV:N': 'WHEELING', 'WV:S': 'CHARLESTON',
  'WI:E': 'MILWAUKEE', 'WI:W': 'MADISON',
};

const DIRECTION: Record<string, string> = { NORTHERN: 'N', SOUTHERN: 'S', EASTERN: 'E', WESTERN: 'W', CENTRAL: 'C', MIDDLE: 'M' };

/**
 * The seat city of the district a Marshals name points at: `S.DIST.FL`, `SOUTHERN DISTRICT OF FLORIDA`,
 * `SDFL`, `E.D. TX`, or no district at all in a one-district state. Undefined when the district is unknown.
 */
export function districtSeat(words: readonly string[], state: string): string | undefined {
  const text = ` ${words.join(' ')} `;
  const letter =
    /\b([NSEWCM])\s*D(?:IST|ISTRICT)?\b/.exec(text)?.[1] ??
    DIRECTION[/\b(NORTHERN|SOUTHERN|EASTERN|WESTERN|CENTRAL|MIDDLE)\b/.exec(text)?.[1] ?? ''] ??
    new RegExp(`\\b([NSEWCM])D${state}\\b`).exec(text)?.[1];
  return (letter ? SEATS[`${state}:${letter}`] : undefined) ?? SEATS[state];
}
