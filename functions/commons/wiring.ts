import type { Deps } from './deps';
import { wireStep, type WiringOptions } from './step-wiring';
import { lazyS3Archive } from '../archive/lazy-s3-archive';
import { lazySesMailer } from '../notify/lazy-ses-mailer';

export type { WiringOptions } from './step-wiring';

/**
 * Every adapter, for local mode, tests and the bench: there is no second code path for local
 * runs, only other endpoints. Lambdas use `awsDeps`, which wires just what their step calls.
 */
export function wireDeps(options: WiringOptions): Deps {
  return wireStep(options, { archive: lazyS3Archive, mailer: lazySesMailer });
}
