// Spellings that the dataset's state names do not cover.
const VARIANTS: Record<string, string> = {
  WASHINGTONDC: 'DC',
  DISTRICTOFCOLUMBIA: 'DC',
  USVIRGINISLANDS: 'VI',
  VIRGINISLANDSOFTHEUS: 'VI',
  COMMONWEALTHOFPUERTORICO: 'PR',
  NORTHERNMARIANAS: 'MP',
};

/**
 * Reads a state as sources write it ("NEW JERSEY", "New Jersey", "NJ", "nj", "D.C.") and gives its USPS code,
 * or undefined when it is not a US state or territory.
 */
export class StateNames {
  private readonly byKey = new Map<string, string>();

  constructor(states: ReadonlyMap<string, string>) {
    for (const [code, name] of states) {
      this.byKey.set(code, code);
      this.byKey.set(stateKey(name), code);
    }
    for (const [key, code] of Object.entries(VARIANTS)) if (states.has(code)) this.byKey.set(key, code);
  }

  normalise(state: string | undefined): string | undefined {
    if (!state) return undefined;
    return this.byKey.get(stateKey(state));
  }
}

function stateKey(state: string): string {
  return state
    .normalize('NFD')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}
