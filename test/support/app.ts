// A Lantern app on a fresh database with a little seeded data, driven through inject() by a
// client that keeps cookies and submits forms the way a browser would (CSRF token included).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createApp } from '../../src/app.ts';
import { testConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { DEMO_PASSWORD, seedDatabase } from '../../src/seed/generate.ts';
import { freshDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  config: Config;
  client(remoteAddress?: string): TestClient;
  /** a client already signed in as the demo user with this email */
  signedIn(email: string): Promise<TestClient>;
  close(): Promise<void>;
}

export const demoEmail = (role: string, tenant = 'kent'): string => `${role}@${tenant}.demo.lantern.test`;
export { DEMO_PASSWORD };

export async function startTestApp(options: { people?: number; config?: Partial<Config>; beforeReady?: (app: FastifyInstance) => void } = {}): Promise<TestApp> {
  const { db, drop } = await freshDatabase();
  await seedDatabase(db, { tenants: ['kent', 'kingston'], people: options.people ?? 40, seed: 'test' });
  const config = testConfig(options.config);
  const app = await createApp({ config, db });
  options.beforeReady?.(app);
  await app.ready();
  const testApp: TestApp = {
    app,
    db,
    config,
    client: (remoteAddress?: string) => new TestClient(app, remoteAddress),
    async signedIn(email) {
      const client = new TestClient(app);
      const response = await client.submit('/sign-in', { email, password: DEMO_PASSWORD });
      if (response.statusCode !== 303) throw new Error(`sign-in as ${email} failed: ${response.statusCode}`);
      return client;
    },
    async close() {
      await app.close();
      await drop();
    },
  };
  return testApp;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    /** the address requests come from */
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      const expired = cookie.expires && new Date(cookie.expires).getTime() < Date.now();
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(response);
    return response;
  }

  /** Posts a form; a list value is sent as a repeated field, as ticked checkboxes are. */
  async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const payload = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) payload.append(key, v);
    const response = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: payload.toString(),
    });
    this.remember(response);
    return response;
  }

  /**
   * Opens the page and posts its form as a browser would: with the form's hidden fields (the CSRF
   * token, a record's version) and the given answers, to the form's action (or `action`).
   */
  async submit(page: string, form: Record<string, string | string[]>, action?: string): Promise<LightMyRequestResponse> {
    const opened = await this.get(page);
    const hidden = Object.fromEntries(
      [...opened.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]),
    );
    if (!hidden._csrf) throw new Error(`no form with a CSRF token on ${page} (status ${opened.statusCode})`);
    const formAction = action ?? /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(opened.body)?.[1] ?? page;
    return this.post(decodeEntities(formAction), { ...hidden, ...form });
  }
}

/** The text of the page's error summary items, for asserting what a person is told. */
export function errorSummary(html: string): string[] {
  const block = /nhsuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...block.matchAll(/<a href="#([^"]+)">\s*([^<]+?)\s*<\/a>/g)].map((m) => `#${m[1]}: ${m[2]}`);
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
