/**
 * `~/.gstack/auth.json` (mode 0600): supabase-js session storage, one slot per
 * Supabase URL, so being signed in to two projects (or the local stack and
 * hosted) works. supabase-js reads and writes it through `storageFor(url)`.
 */
import type { SupportedStorage } from '@supabase/supabase-js';
import { z } from 'zod';
import { PRIVATE_FILE, readJson, readJsonSync, writeJsonAtomic } from '../files/json.ts';

const authFileSchema = z.object({ version: z.literal(1), sessions: z.record(z.string(), z.record(z.string(), z.string())) });
type AuthFile = z.infer<typeof authFileSchema>;

export class AuthStore {
  constructor(readonly file: string) {}

  /** The saved sessions; an absent or unreadable file holds none. */
  private readSync(): AuthFile {
    return readJsonSync(this.file, authFileSchema) ?? { version: 1, sessions: {} };
  }

  private async update(change: (doc: AuthFile) => void): Promise<void> {
    const doc: AuthFile = (await readJson(this.file, authFileSchema)) ?? { version: 1, sessions: {} };
    change(doc);
    await writeJsonAtomic(this.file, doc, PRIVATE_FILE);
  }

  /** Storage for supabase-js, scoped to one project URL. */
  storageFor(url: string): SupportedStorage {
    return {
      getItem: (key) => this.readSync().sessions[url]?.[key] ?? null,
      setItem: (key, value) =>
        this.update((doc) => {
          doc.sessions[url] = { ...doc.sessions[url], [key]: value };
        }),
      removeItem: (key) =>
        this.update((doc) => {
          const slot = doc.sessions[url];
          if (!slot) return;
          delete slot[key];
          if (!Object.keys(slot).length) delete doc.sessions[url];
        }),
    };
  }

  async forget(url: string): Promise<void> {
    await this.update((doc) => {
      delete doc.sessions[url];
    });
  }

  hasSession(url: string): boolean {
    return Object.keys(this.readSync().sessions[url] ?? {}).length > 0;
  }

  /** The email of the saved session for `url`, read from the file alone (no network), or null. */
  sessionEmail(url: string): string | null {
    const slot = this.readSync().sessions[url] ?? {};
    const key = Object.keys(slot).find((k) => k.endsWith('-auth-token'));
    try {
      const email = (JSON.parse(slot[key ?? ''] ?? 'null') as { user?: { email?: unknown } } | null)?.user?.email;
      return typeof email === 'string' ? email : null;
    } catch {
      return null;
    }
  }
}
