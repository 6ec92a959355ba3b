import { describe, expect, it, vi } from 'vitest';
import { EventBus } from './event-bus.js';

type Events = { progress: { processed: number }; done: undefined };

describe('EventBus', () => {
  it('delivers payloads to every listener until it is removed', () => {
    const bus = new EventBus<Events>();
    const a = vi.fn();
    const b = vi.fn();
    const offA = bus.on('progress', a);
    bus.on('progress', b);
    bus.emit('progress', { processed: 1 });
    offA();
    bus.emit('progress', { processed: 2 });
    expect(a.mock.calls).toEqual([[{ processed: 1 }]]);
    expect(b.mock.calls).toEqual([[{ processed: 1 }], [{ processed: 2 }]]);
    bus.off('progress', b);
    expect(bus.listenerCount('progress')).toBe(0);
  });

  it('calls a once listener a single time', () => {
    const bus = new EventBus<Events>();
    const fn = vi.fn();
    bus.once('done', fn);
    bus.emit('done', undefined);
    bus.emit('done', undefined);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('isolates a listener that throws or rejects from the emitter and the other listeners', async () => {
    const errors: [unknown, string][] = [];
    const bus = new EventBus<Events>({ onListenerError: (error, event) => errors.push([error, event]) });
    const after = vi.fn();
    bus.on('progress', () => {
      throw new Error('sync listener');
    });
    bus.on('progress', async () => {
      throw new Error('async listener');
    });
    bus.on('progress', after);
    expect(() => bus.emit('progress', { processed: 1 })).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map(([e, name]) => [(e as Error).message, name])).toEqual([
      ['sync listener', 'progress'],
      ['async listener', 'progress'],
    ]);
  });

  it('survives an error handler that itself throws', () => {
    const bus = new EventBus<Events>({
      onListenerError: () => {
        throw new Error('handler');
      },
    });
    bus.on('done', () => {
      throw new Error('listener');
    });
    expect(() => bus.emit('done', undefined)).not.toThrow();
  });
});
