import { describe, expect, it, vi } from 'vitest';

// The `openai` package is loaded by the `ai` command only, when it sends a request: importing
// the CLI's entry module and the shell's whole command registry must not load it (`guestctl
// --version` and the shell's start-up stay fast). vi.mock's factory runs only when something
// imports the module, so it records whether anything did.

const state = vi.hoisted(() => ({ loaded: false }));
vi.mock('openai', async (importOriginal) => {
  state.loaded = true;
  return importOriginal();
});

describe('openai is loaded lazily', () => {
  it('not by the CLI entry module, the registry or the ai command module; only when a client is made', async () => {
    await import('../../src/cli.js');
    const { loadRegistry } = await import('../../commands/index.js');
    const registry = loadRegistry();
    expect(registry.find('ai')).toBeDefined();
    await import('../../commands/ai-assistant/ai.js');
    expect(state.loaded).toBe(false);
    // The check itself works: making a client does load it.
    const { createClient } = await import('../../commands/ai-assistant/_shared/client.js');
    await createClient({ model: 'm', apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', timeoutMs: 1000, maxRetries: 0 });
    expect(state.loaded).toBe(true);
  });
});
