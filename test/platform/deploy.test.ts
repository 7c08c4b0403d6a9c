/**
 * The OpenWhisk write API (what `aio app deploy` and `aio rt action create` use) through the
 * real `openwhisk` client: packages and actions deployed with code as text or as a zip, run
 * in the warm workers, read back with their code, persisted across a restart, removed; and
 * the activation logs of a bundled action that logs every way an App Builder action does.
 */
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import openwhisk from 'openwhisk';
import type { ActivationRecord } from '../../platform/core/types';
import type { RunningPlatform } from '../../platform/core/server';
import { basicAuth, startTestPlatform, tempDir } from './helpers';

let p: RunningPlatform & { dataDir: string };
let ow: ReturnType<typeof openwhisk>;
let dataDir: string;
let loggingCode: string;

type Entry = Record<string, unknown>;

/** A zip of stored (uncompressed) files, as small as a test needs. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

async function start(): Promise<void> {
  p = await startTestPlatform({ dataDir });
  ow = openwhisk({ apihost: p.url, api_key: p.config.auth, namespace: p.config.namespace });
}

beforeAll(async () => {
  dataDir = tempDir();
  await start();
  const built = await esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'fixtures', 'logging-action', 'index.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  loggingCode = built.outputFiles[0]?.text ?? '';
}, 60_000);
afterAll(async () => {
  await p.close();
});

const put = (url: string, body: unknown, auth?: string): Promise<Response> =>
  fetch(`${p.url}${url}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(body),
  });

describe('packages', () => {
  test('created, listed as plain packages (binding false) with limit and skip, updated with overwrite', async () => {
    await ow.packages.create({
      name: 'tools',
      package: { annotations: [{ key: 'whisk-managed', value: { projectName: 'x' } }] },
    });
    await ow.packages.create({ name: 'tools2' });
    const list = (await ow.packages.list()) as unknown as Entry[];
    const tools = list.find((x) => x.name === 'tools') as Entry;
    expect(tools.binding).toBe(false);
    expect(tools.annotations).toEqual([{ key: 'whisk-managed', value: { projectName: 'x' } }]);
    expect(list.find((x) => x.name === 'demo')?.binding).toBe(false);
    const names = list.map((x) => x.name);
    const second = (await ow.packages.list({ limit: 1, skip: 1 })) as unknown as Entry[];
    expect(second.map((x) => x.name)).toEqual([names[1]]);
    // again without overwrite: 409; with it: updated
    await expect(ow.packages.create({ name: 'tools' })).rejects.toMatchObject({ statusCode: 409 });
    const updated = (await ow.packages.update({ name: 'tools', package: { publish: true } })) as unknown as Entry;
    expect(updated.publish).toBe(true);
  });

  test('bindings are refused with a 400 naming the field', async () => {
    const r = await put(
      `/api/v1/namespaces/_/packages/bound`,
      { binding: { namespace: 'x', name: 'y' } },
      basicAuth(p.config.auth),
    );
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/binding/);
  });
});

describe('actions', () => {
  test('code as text with a declared main: invoked, read back with exec.code, listed in its package', async () => {
    const code = 'function main(params) { return { hello: params.name || "world", kind: process.version } }';
    await ow.actions.create({
      name: 'tools/hello',
      action: code,
      kind: 'nodejs:22',
      params: { name: 'param' },
    } as never);
    const r = (await ow.actions.invoke({ name: 'tools/hello', blocking: true, result: true })) as Entry;
    expect(r.hello).toBe('param');
    const got = (await ow.actions.get({ name: 'tools/hello' })) as unknown as Entry;
    expect(got.exec).toMatchObject({ kind: 'nodejs:22', binary: false, code });
    expect(got.namespace).toBe(`${p.config.namespace}/tools`);
    const inPkg = (await ow.actions.list({ id: 'tools/' } as never)) as unknown as Entry[];
    expect(inPkg.map((a) => a.name)).toEqual(['hello']);
    const noCode = (await ow.actions.get({ name: 'tools/hello', code: false } as never)) as unknown as Entry;
    expect((noCode.exec as Entry).code).toBeUndefined();
  });

  test('an update with overwrite serves the new code; without overwrite it is a 409', async () => {
    await expect(
      ow.actions.create({ name: 'tools/hello', action: 'function main(){return {v:1}}' }),
    ).rejects.toMatchObject({
      statusCode: 409,
    });
    await ow.actions.update({
      name: 'tools/hello',
      action: 'function main(){return {v:2}}',
      kind: 'nodejs:20',
    } as never);
    const r = (await ow.actions.invoke({ name: 'tools/hello', blocking: true, result: true })) as Entry;
    expect(r).toEqual({ v: 2 });
    const got = (await ow.actions.get({ name: 'tools/hello' })) as unknown as Entry;
    expect((got.exec as Entry).kind).toBe('nodejs:20');
    expect(got.version).toBe('0.0.2');
  });

  test('a base64 zip (as aio app build makes) with package.json main and exec.main', async () => {
    const archive = zip({
      'package.json': JSON.stringify({ main: 'lib/entry.js' }),
      'lib/entry.js': 'const h = require("./helper"); exports.run = async (p) => ({ answer: h(p.n) });',
      'lib/helper.js': 'module.exports = (n) => n * 2;',
    });
    await ow.actions.create({
      name: 'tools/zipped',
      action: archive,
      exec: { main: 'run', kind: 'nodejs:22' },
      annotations: { 'web-export': true },
    } as never);
    expect(await ow.actions.invoke({ name: 'tools/zipped', params: { n: 21 }, blocking: true, result: true })).toEqual({
      answer: 42,
    });
    const got = (await ow.actions.get({ name: 'tools/zipped' })) as unknown as Entry;
    expect(got.exec).toMatchObject({ binary: true, main: 'run', code: archive.toString('base64') });
    // web-export: a web action like app.config.yaml's
    const web = await fetch(`${p.url}/api/v1/web/${p.config.namespace}/tools/zipped.json?n=5`);
    expect(await web.json()).toEqual({ answer: 10 });
  });

  test('a deploy body larger than the default request cap (a big bundle) is taken', async () => {
    const filler = 'x'.repeat(6 * 1024 * 1024);
    const code = `const filler = ${JSON.stringify(filler)};\nfunction main(){return {n: filler.length}}`;
    await ow.actions.create({ name: 'tools/big', action: code } as never);
    expect(await ow.actions.invoke({ name: 'tools/big', blocking: true, result: true })).toEqual({ n: filler.length });
    await ow.actions.delete({ name: 'tools/big' });
  });

  test("package parameters reach the package's actions, under the action's own", async () => {
    await ow.packages.create({
      name: 'withparams',
      package: {
        parameters: [
          { key: 'a', value: 'pkg' },
          { key: 'b', value: 'pkg' },
        ],
      },
    } as never);
    await ow.actions.create({
      name: 'withparams/echo',
      action: 'function main(p){return {a:p.a,b:p.b}}',
      params: { b: 'action' },
    } as never);
    expect(await ow.actions.invoke({ name: 'withparams/echo', blocking: true, result: true })).toEqual({
      a: 'pkg',
      b: 'action',
    });
  });

  test('app.config.yaml actions: full exec.kind and their bundle as exec.code; the API root lists the kinds', async () => {
    const got = (await ow.actions.get({ name: 'demo/echo' })) as unknown as Entry;
    expect((got.exec as Entry).kind).toMatch(/^nodejs:\d+$/);
    expect(String((got.exec as Entry).code)).toContain('main');
    const root = (await (await fetch(`${p.url}/`)).json()) as { runtimes: { nodejs: Array<{ kind: string }> } };
    expect(root.runtimes.nodejs.map((k) => k.kind)).toEqual(['nodejs:18', 'nodejs:20', 'nodejs:22']);
  });

  test('require-whisk-auth: a secret in X-Require-Whisk-Auth, or the namespace key when true', async () => {
    const code = 'function main(){return {body:"in"}}';
    await ow.actions.create({
      name: 'tools/guarded',
      action: code,
      annotations: { 'web-export': true, 'require-whisk-auth': 'letmein' },
    } as never);
    await ow.actions.create({
      name: 'tools/keyed',
      action: code,
      annotations: { 'web-export': true, 'require-whisk-auth': true },
    } as never);
    const web = (name: string, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${p.url}/api/v1/web/${p.config.namespace}/tools/${name}`, { headers });
    expect((await web('guarded')).status).toBe(401);
    expect((await web('guarded', { 'x-require-whisk-auth': 'nope' })).status).toBe(401);
    expect((await web('guarded', { 'x-require-whisk-auth': 'letmein' })).status).toBe(200);
    expect((await web('keyed')).status).toBe(401);
    expect((await web('keyed', { authorization: basicAuth(p.config.auth) })).status).toBe(200);
    await ow.actions.delete({ name: 'tools/guarded' });
    await ow.actions.delete({ name: 'tools/keyed' });
  });

  test('the console lists deployed actions', async () => {
    const r = await fetch(`${p.url}/console/api/overview`);
    const body = (await r.json()) as { actions: string[] };
    expect(body.actions).toEqual(expect.arrayContaining(['tools/hello', 'tools/zipped', 'demo/echo']));
  });

  test('bad input is a 400 naming the field', async () => {
    const auth = basicAuth(p.config.auth);
    const cases: Array<[unknown, RegExp]> = [
      [{ exec: { kind: 'python:3', code: 'x' } }, /exec\.kind/],
      [{ exec: { kind: 'nodejs:22' } }, /exec\.code/],
      [{}, /exec is required/],
      [{ exec: { kind: 'nodejs:22', code: 'x' }, limits: { memory: 5 } }, /limits\.memory/],
      [{ exec: { kind: 'nodejs:22', code: 'x' }, annotations: { a: 1 } }, /annotations/],
      [{ exec: { kind: 'nodejs:22', code: 'UEsDBAo=', binary: true } }, /zip/],
    ];
    for (const [body, re] of cases) {
      const r = await put(`/api/v1/namespaces/_/actions/tools/bad`, body, auth);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(re);
    }
    const noPkg = await put(`/api/v1/namespaces/_/actions/nopkg/a`, { exec: { kind: 'nodejs:22', code: 'x' } }, auth);
    expect(noPkg.status).toBe(404);
  });

  test('writes need the namespace key: never anonymous', async () => {
    const body = { exec: { kind: 'nodejs:22', code: 'function main(){return {}}' } };
    expect((await put(`/api/v1/namespaces/_/actions/tools/anon`, body)).status).toBe(401);
    expect((await put(`/api/v1/namespaces/_/actions/tools/anon`, body, basicAuth('a:b'))).status).toBe(401);
    expect((await put(`/api/v1/namespaces/_/packages/anon`, {})).status).toBe(401);
    const del = await fetch(`${p.url}/api/v1/namespaces/_/actions/tools/hello`, { method: 'DELETE' });
    expect(del.status).toBe(401);
  });

  test('triggers and rules answer 501 with a JSON body; their lists stay empty', async () => {
    await expect(ow.triggers.create({ name: 't' })).rejects.toMatchObject({ statusCode: 501 });
    const r = await put(`/api/v1/namespaces/_/rules/r`, {}, basicAuth(p.config.auth));
    expect(r.status).toBe(501);
    expect(((await r.json()) as { error: string }).error).toMatch(/Rules are not supported/);
    expect(await ow.triggers.list()).toEqual([]);
    expect(await ow.rules.list()).toEqual([]);
  });
});

describe('activation logs', () => {
  let rec: ActivationRecord & { publish?: boolean };

  beforeAll(async () => {
    await ow.packages.create({ name: 'logs' });
    await ow.actions.create({
      name: 'logs/talk',
      action: loggingCode,
      kind: 'nodejs:22',
      limits: { logs: 1 },
    } as never);
    rec = (await ow.actions.invoke({ name: 'logs/talk', blocking: true })) as unknown as ActivationRecord;
  }, 30_000);

  test('aio-lib-core-logging, console.log, console.error and process.stdout.write all reach activations.logs', async () => {
    expect(rec.response.result).toEqual({ ok: true });
    const { logs } = (await ow.activations.logs({ name: rec.activationId })) as unknown as { logs: string[] };
    const line = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (stdout|stderr): /;
    expect(logs.every((l) => line.test(l))).toBe(true);
    const text = logs.map((l) => l.replace(line, '$1: '));
    expect(text).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stdout: .*via aio-lib-core-logging/),
        'stdout: via console.log { n: 1 }',
        'stderr: via console.error',
        'stdout: via process.stdout.write, in two pieces',
      ]),
    );
  });

  test('a blocking reply carries publish, the timeout annotation and limits.logs', async () => {
    expect(rec.publish).toBe(false);
    const ann = Object.fromEntries(rec.annotations.map((a) => [a.key, a.value]));
    expect(ann.timeout).toBe(false);
    expect(ann.kind).toBe('nodejs:22');
    expect(ann.limits).toMatchObject({ logs: 1 });
  });

  test('logs past limits.logs are cut with OpenWhisk marker', async () => {
    const big = (await ow.actions.invoke({
      name: 'logs/talk',
      params: { lines: 1100, width: 1000 },
      blocking: true,
    })) as unknown as ActivationRecord;
    const { logs } = (await ow.activations.logs({ name: big.activationId })) as unknown as { logs: string[] };
    expect(logs[logs.length - 1]).toMatch(
      / stderr: Logs were truncated because the total bytes size exceeds the limit of 1048576 bytes\.$/,
    );
    expect(logs.length).toBeLessThan(1100);
  });
});

describe('removal and restarts', () => {
  test('deployed actions and packages survive a restart', async () => {
    await p.close();
    await start();
    expect(await ow.actions.invoke({ name: 'tools/zipped', params: { n: 4 }, blocking: true, result: true })).toEqual({
      answer: 8,
    });
    const pkg = (await ow.packages.get({ name: 'tools' })) as unknown as Entry;
    expect((pkg.actions as Entry[]).map((a) => a.name).sort()).toEqual(['hello', 'zipped']);
  }, 30_000);

  test('delete: a package with actions is a 409, actions go, then the package; app.config.yaml actions stay', async () => {
    await expect(ow.packages.delete({ name: 'tools' })).rejects.toMatchObject({ statusCode: 409 });
    await ow.actions.delete({ name: 'tools/hello' });
    await ow.actions.delete({ name: 'tools/zipped' });
    await expect(ow.actions.get({ name: 'tools/hello' })).rejects.toMatchObject({ statusCode: 404 });
    await ow.packages.delete({ name: 'tools' });
    await expect(ow.packages.get({ name: 'tools' })).rejects.toMatchObject({ statusCode: 404 });
    await expect(ow.actions.delete({ name: 'demo/echo' })).rejects.toMatchObject({ statusCode: 405 });
  });

  test('a deployed action shadows the app.config.yaml action of its name until it is deleted', async () => {
    await ow.actions.update({ name: 'demo/echo', action: 'function main(){return {shadow:true}}' });
    expect(await ow.actions.invoke({ name: 'demo/echo', blocking: true, result: true })).toEqual({ shadow: true });
    await ow.actions.delete({ name: 'demo/echo' });
    expect(await ow.actions.invoke({ name: 'demo/echo', params: { a: 1 }, blocking: true, result: true })).not.toEqual({
      shadow: true,
    });
  });
});

describe('under /runtime (the deploy service path of CLI 11), with a token of the local IMS', () => {
  test('a bearer from the local IMS deploys; an unknown bearer is refused', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cli', client_secret: 's' });
    const t = (await (await fetch(`${p.url}/ims/token/v3`, { method: 'POST', body: form })).json()) as {
      access_token: string;
    };
    const viaDeploy = openwhisk({
      apihost: `${p.url}/runtime`,
      auth_handler: { getAuthHeader: async () => `Bearer ${t.access_token}` },
    } as never);
    await viaDeploy.packages.update({ name: 'cli11' });
    await viaDeploy.actions.update({ name: 'cli11/a', action: 'function main(){return {via:"deploy service"}}' });
    expect(await ow.actions.invoke({ name: 'cli11/a', blocking: true, result: true })).toEqual({
      via: 'deploy service',
    });
    const r = await put(`/runtime/api/v1/namespaces/_/packages/x`, {}, 'Bearer not-a-token');
    expect(r.status).toBe(401);
    // the bearer is for the deploy service's path only
    expect((await put(`/api/v1/namespaces/_/packages/x`, {}, `Bearer ${t.access_token}`)).status).toBe(401);
  });
});
