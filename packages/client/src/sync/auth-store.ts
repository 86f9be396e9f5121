/**
 * `~/.gstack/auth.json` (mode 0600): supabase-js session storage, one slot per
 * Supabase URL, so being signed in to two projects (or the local stack and
 * hosted) works. supabase-js reads and writes it through `storageFor(url)`.
 */
import { readFileSync } from 'node:fs';
import type { SupportedStorage } from '@supabase/supabase-js';
import { readJsonFile, writeJsonFile } from './files.ts';

interface AuthFile {
  version: 1;
  sessions: Record<string, Record<string, string>>;
}

export class AuthStore {
  constructor(readonly file: string) {}

  private readSync(): AuthFile {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as AuthFile;
      if (parsed?.version === 1 && parsed.sessions && typeof parsed.sessions === 'object') return parsed;
    } catch {
      // absent or unreadable: no sessions
    }
    return { version: 1, sessions: {} };
  }

  private async update(change: (doc: AuthFile) => void): Promise<void> {
    const doc = (await readJsonFile<AuthFile>(this.file)) ?? { version: 1, sessions: {} };
    if (doc.version !== 1 || !doc.sessions) Object.assign(doc, { version: 1, sessions: {} });
    change(doc);
    await writeJsonFile(this.file, doc, 0o600);
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
