/**
 * What a long-running script started and must stop on the way out: stopped
 * last started first, each failure logged, and only once however many signals
 * or errors ask for it. Used by `npm start` and `npm run bench`.
 */
export function stopList() {
  const running = [];
  let stopping;
  return {
    add(stop) {
      running.push(stop);
    },
    remove(stop) {
      const i = running.indexOf(stop);
      if (i >= 0) running.splice(i, 1);
    },
    /** True once stopAll() was called. */
    get stopping() {
      return stopping !== undefined;
    },
    stopAll() {
      stopping ??= (async () => {
        for (const stop of running.reverse()) {
          try {
            await stop();
          } catch (err) {
            console.error(`While stopping: ${err.message}`);
          }
        }
      })();
      return stopping;
    },
  };
}
