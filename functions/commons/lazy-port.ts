/**
 * A port whose adapter is loaded on the first call of one of its (async) methods. Wiring uses it
 * for adapters only some steps call (the S3 archive, the SES mailer): a Lambda's module init
 * then does not evaluate SDK clients it may never use. `eager` holds synchronous members that
 * need no adapter.
 */
export function lazyPort<T extends object>(load: () => Promise<T>, eager: Partial<T> = {}): T {
  let adapter: Promise<T> | undefined;
  const loaded = () =>
    (adapter ??= load().catch((error: unknown) => {
      adapter = undefined;
      throw error;
    }));
  return new Proxy(eager as T, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver);
      if (property === 'then') return undefined;
      return async (...args: unknown[]) => {
        const instance = (await loaded()) as Record<PropertyKey, unknown>;
        const member = instance[property];
        if (typeof member !== 'function') throw new TypeError(`${String(property)} is not a method of the adapter`);
        return (member as (...a: unknown[]) => unknown).apply(instance, args);
      };
    },
  });
}
