import type { Deps } from '../commons/deps';

/** An SES event-publishing message (bounce / complaint) as delivered through SNS: suppress the address. */
export async function handleSesEvent(deps: Deps, message: unknown): Promise<{ suppressed: string[] }> {
  void deps;
  void message;
  throw new Error('handleSesEvent: implemented by the lead in the next commit');
}
