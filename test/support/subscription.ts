/** Resolves with the first value a subscription delivers that passes `test`, and unsubscribes. */
export function firstWhere<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  test: (value: T) => boolean,
): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((value) => {
      if (!test(value)) return;
      off();
      resolve(value);
    });
  });
}
