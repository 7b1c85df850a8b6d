/**
 * No logging at all: the same process, workload loop and field objects, calls that do nothing.
 * Its peak RSS and CPU are the floor every contender's figures include.
 */
export async function create() {
  return {
    info: () => {},
    shutdown: async () => {},
  };
}
