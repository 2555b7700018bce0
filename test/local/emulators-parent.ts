// A process that starts the emulators and then waits to be killed: the test kills it with SIGKILL
// and checks that no emulator outlives it.
import { startEmulators } from '../../local/emulators';

const emulators = await startEmulators({ home: process.argv[2], quiet: true, persist: false });
process.stdout.write(`${JSON.stringify(emulators.endpoints)}\n`);
setInterval(() => undefined, 60_000);
