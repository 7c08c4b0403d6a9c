/**
 * COMMERCE_BASE_URL and the Commerce stand-in: a URL pointing at the platform's own
 * `/commerce/rest/` (as an app's .env written for the platform does) keeps the stand-in
 * on; a URL of another Commerce turns it off. (An app with no actions: only the stand-in matters.)
 */
import { findFreePort } from '../../../platform/core/config';
import { pointsAtStandIn } from '../../../platform/commerce';
import { startTestPlatform, tempDir } from '../helpers';

async function standInAnswers(base: string): Promise<boolean> {
  const res = await fetch(`${base}/commerce/rest/V1/products/NO-SUCH-SKU`);
  return res.headers.get('x-local-stand-in') === 'commerce';
}

describe('COMMERCE_BASE_URL', () => {
  test.each([
    ['localhost', (port: number) => `http://localhost:${port}/commerce/rest/`],
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/commerce/rest/`],
  ])(
    'pointing at the stand-in (%s) keeps it on',
    async (_name, url) => {
      const port = await findFreePort('127.0.0.1');
      const p = await startTestPlatform({ projectDir: tempDir(), port, env: { COMMERCE_BASE_URL: url(port) } });
      try {
        expect(await standInAnswers(p.url)).toBe(true);
      } finally {
        await p.close();
      }
    },
    60_000,
  );

  test('pointing elsewhere turns the stand-in off', async () => {
    const p = await startTestPlatform({
      projectDir: tempDir(),
      env: { COMMERCE_BASE_URL: 'https://commerce.example.com/rest/' },
    });
    try {
      expect(await standInAnswers(p.url)).toBe(false);
    } finally {
      await p.close();
    }
  }, 60_000);

  test('which URLs count as the stand-in', () => {
    const config = { baseUrl: 'http://127.0.0.1:4000', port: 4000 } as Parameters<typeof pointsAtStandIn>[1];
    expect(pointsAtStandIn('http://127.0.0.1:4000/commerce/rest/', config, '/commerce/')).toBe(true);
    expect(pointsAtStandIn('http://localhost:4000/commerce/rest/', config, '/commerce/')).toBe(true);
    expect(pointsAtStandIn('http://127.0.0.1:4001/commerce/rest/', config, '/commerce/')).toBe(false);
    expect(pointsAtStandIn('http://127.0.0.1:4000/rest/', config, '/commerce/')).toBe(false);
    expect(pointsAtStandIn('https://127.0.0.1:4000/commerce/rest/', config, '/commerce/')).toBe(false);
    expect(pointsAtStandIn('not a url', config, '/commerce/')).toBe(false);
  });
});
