// What local mode and the tests need besides Node: Java for DynamoDB Local, Chromium for the
// rendered alerts and pages. Looked up on PATH without spawning anything (well under 1 ms).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_LINE = 'sudo apt-get install openjdk-17-jre-headless chromium';

/** The first executable `name` on PATH, or undefined. */
export function pathTo(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function onPath(name) {
  return pathTo(name) !== undefined;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium the tests launch: `$CHROMIUM_PATH`, else /usr/bin/chromium (Debian's package). */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

const CHECKS = {
  // An external DynamoDB (AWS_ENDPOINT_URL_DYNAMODB) needs no local Java.
  java: () => Boolean(process.env.AWS_ENDPOINT_URL_DYNAMODB) || onPath('java'),
  chromium: () => executable(chromiumPath()) || onPath('chromium'),
};

/**
 * One line naming what is missing and how to install it, or undefined when all is there.
 * @param {Array<'java' | 'chromium'>} needs
 */
export function missingPrerequisites(needs = ['java', 'chromium']) {
  const missing = needs.filter((need) => !CHECKS[need]());
  if (!missing.length) return undefined;
  const what = missing.map((m) => (m === 'java' ? 'Java 17+ (DynamoDB Local)' : 'Chromium (rendered alerts and pages)')).join(' and ');
  return `detainer-watch needs ${what}; install with: ${INSTALL_LINE}`;
}
