import { existsSync, readFileSync } from 'node:fs';
import json from '@rollup/plugin-json';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { cssModules } from './scripts/css-modules.mjs';
import { checkMangleList, pinnedMangling } from './scripts/mangle.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const SCHEMA = 'src/config/consentgate.schema.json';

/**
 * The boot needs only what the synchronous guards match on: each registry service's id, category
 * and URL patterns. Titles, descriptions, cookie lists and policy links are for the UI and for
 * cleanup, both in the app, which hands the full catalog to the guards (`setCatalog`).
 * Byte-saving trick: this drops ~3 KB gzip from the file every visitor executes before the page.
 * A second one: the copy is packed as category → one "id pattern pattern…" line per service
 * (ids and patterns never hold a space or a newline), which `bundledRegistry()`
 * (src/blocking/install-for-config.ts) unpacks: ~330 B gzip less than objects for 133 services.
 */
function slimRegistry() {
  return {
    name: 'consentgate-slim-registry',
    transform(code, id) {
      if (!id.endsWith('service-registry.json')) return null;
      const packed = {};
      for (const s of JSON.parse(code).services) {
        const line = [s.id, ...s.domains].join(' ');
        if (/[\s]/.test(s.id + s.domains.join(''))) this.error(`service-registry.json: ${s.id} has a space in its id or a pattern`);
        packed[s.category] = packed[s.category] === undefined ? line : packed[s.category] + '\n' + line;
      }
      return { code: JSON.stringify(packed), map: null };
    },
  };
}

/**
 * The app needs of the registry what runs on every page: categories, cookie names and storage
 * kinds (cleanup), `consentApi` (vendor consent),
 * titles, providers and `embed` (placeholders, the preferences' rows). The prose and the links —
 * descriptions, cookie purposes and lifetimes, privacy-policy and opt-out URLs — only show in the
 * preferences and the cookie declaration: they go to `consentgate-registry.js`, which the app
 * loads the first time one of those shows (src/blocking/registry-details.ts). A first visit that
 * only answers the banner skips them (~2.4 KB gzip). Anything not listed here stays in the app, so
 * a new registry field is never missing where it is needed at once. The URL patterns are not in the
 * app at all: the boot has them and hands them over (embed-app.ts), so they ship once (~0.9 KB gzip).
 * The registry stays one JSON file in the repo; the split happens here, at build time.
 */
const REGISTRY_FILE = 'consentgate-registry.js';
const DETAIL_FIELDS = ['description', 'privacyPolicyUrl', 'optOutUrl'];
/** In the app, dropped altogether: the boot has the URL patterns and hands them over (embed-app.ts). */
const BOOT_FIELDS = ['domains'];
const COOKIE_DETAIL_FIELDS = ['purpose', 'lifetime'];
function splitRegistry() {
  let details = null;
  const without = (o, keys) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  const only = (o, keys) => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
  return {
    name: 'consentgate-split-registry',
    transform(code, id) {
      if (!id.endsWith('service-registry.json')) return null;
      const data = JSON.parse(code);
      details = {};
      const services = data.services.map((s) => {
        const d = only(s, DETAIL_FIELDS);
        if (s.cookies?.some((k) => COOKIE_DETAIL_FIELDS.some((f) => f in k))) d.cookies = s.cookies.map((k) => only(k, ['name', ...COOKIE_DETAIL_FIELDS]));
        if (Object.keys(d).length) details[s.id] = d;
        return { ...without(s, [...DETAIL_FIELDS, ...BOOT_FIELDS]), ...(s.cookies && { cookies: s.cookies.map((k) => without(k, COOKIE_DETAIL_FIELDS)) }) };
      });
      return { code: JSON.stringify({ ...data, services }), map: null };
    },
    generateBundle() {
      if (!details) return this.error('service-registry.json is not in this bundle: nothing to split into ' + REGISTRY_FILE);
      // Data, then one call: hands it to the app through the boot's hand-over object (no global of
      // its own). Loaded by hand (not by the app), it says so, as consentgate-app.js does.
      const source =
        '!function(d){var h=window[Symbol.for("consentgate.boot")];' +
        'h&&h.registryDetails?h.registryDetails(d):console.error("[ConsentGate] ' + REGISTRY_FILE + ' is loaded by consentgate-app.js when needed: leave it out of the page.")}(' +
        JSON.stringify(details) +
        ');\n';
      this.emitFile({ type: 'asset', fileName: REGISTRY_FILE, source });
    },
  };
}

/**
 * `sources` (the vendor pages each service's URL patterns and cookies come from) is for the
 * repository's review and its test, never shipped: every bundle's copy of the registry drops it.
 */
function stripRegistrySources() {
  return {
    name: 'consentgate-strip-registry-sources',
    transform(code, id) {
      if (!id.endsWith('service-registry.json')) return null;
      const data = JSON.parse(code);
      const services = data.services.map(({ sources: _sources, ...s }) => s);
      return { code: JSON.stringify({ ...data, services }), map: null };
    },
  };
}

/** Ships the checked-in JSON Schema (written from the rule tree by `npm run schema`) as dist/consentgate.schema.json. */
function copySchema() {
  return {
    name: 'consentgate-copy-schema',
    buildStart() {
      if (existsSync(SCHEMA)) this.addWatchFile(SCHEMA);
    },
    generateBundle() {
      if (!existsSync(SCHEMA)) {
        this.warn(`${SCHEMA} is missing: dist/consentgate.schema.json not written`);
        return;
      }
      this.emitFile({ type: 'asset', fileName: 'consentgate.schema.json', source: readFileSync(SCHEMA, 'utf8') });
    },
  };
}

const plugins = ({ tsconfig = './tsconfig.build.json', before = [] } = {}) => [
  stripRegistrySources(),
  ...before,
  replace({
    preventAssignment: true,
    values: { __CONSENTGATE_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': JSON.stringify('production') },
  }),
  json({ preferConst: true, compact: true }),
  cssModules(),
  resolve({ browser: true }),
  typescript({ tsconfig, noEmitOnError: true }),
  checkMangleList(),
];

// Only `_`-prefixed internal fields are mangled, each to the short name mangle.json pins for it, the
// same in every file (the app calls into objects the boot made): public API and the stored record
// keep their names (scripts/mangle.mjs).
const minify = () => pinnedMangling({ ecma: 2020, compress: { passes: 3, pure_getters: true }, format: { comments: false } });

const iife = (input, file, extra = {}) => ({
  input,
  output: { file, format: 'iife', sourcemap: true, plugins: [minify()] },
  plugins: plugins(extra),
  // A script tag runs in a page that may have its own globals: nothing leaks but `window.ConsentGate`.
  // Preact's module sets up its options and prototypes at load: without this, the app would carry
  // it only because gate.ts's `createConsentGate` (npm, never called there) names `mountPanels`.
  // `Object.keys` only reads: a module-level value built with it that the file never uses goes
  // (the app carries markup-gate.ts for the held-element helpers, not its tag selector).
  treeshake: {
    moduleSideEffects: (id) => !id.endsWith('.json') && !/[\\/]node_modules[\\/]preact[\\/]/.test(id),
    manualPureFunctions: ['Object.keys'],
  },
});

const builds = [
  {
    // npm: ESM, tree-shakable, dependencies left to the consumer's bundler. The full registry
    // stays inline (no lazy details file): a site that bundles the SDK serves its own chunks and
    // can split the UI off itself; a dynamic import here would make dist/ a folder of chunks the
    // consumer's bundler and server must both find.
    input: 'src/index.ts',
    external: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'js-cookie'],
    output: { file: 'dist/index.mjs', format: 'es', sourcemap: true },
    plugins: [...plugins(), copySchema()],
  },
  {
    // Types: one bundled declaration file. Per-file .d.ts with extensionless relative imports do not
    // resolve for consumers on `moduleResolution: NodeNext`; a single file has no relative imports.
    input: 'src/index.ts',
    output: { file: 'dist/types/index.d.ts', format: 'es' },
    plugins: [dts({ tsconfig: './tsconfig.types.json', respectExternal: false })],
  },
  // Script tag, part 1 (the boot): synchronous, small; guards + Consent Mode default + the facade.
  iife('src/embed.ts', 'dist/consentgate.js', { before: [slimRegistry()] }),
];

// Script tag, part 2 (the app): loaded async by the boot; validation, manager, integrations, the
// UI's shell (opt-out links).
// Its registry is split: the details come from dist/consentgate-registry.js when they show.
if (existsSync('src/embed-app.ts')) builds.push(iife('src/embed-app.ts', 'dist/consentgate-app.js', { before: [splitRegistry()] }));

// Script tag, part 3 (the panels): Preact, banner, notice, preferences, placeholders, cookie
// declaration. Requested by the boot beside the app when there is no record cookie, else by the app
// when one of them must show; a returning visitor's page with only the opt-out link never loads it.
builds.push(iife('src/embed-ui.ts', 'dist/consentgate-ui.js'));

// The SPA demo (npm import of `consentgate`, resolved to the freshly built dist/index.mjs).
if (process.env.CONSENTGATE_DEMO !== '0' && existsSync('demo/spa/main.ts')) {
  builds.push({
    input: 'demo/spa/main.ts',
    output: { file: 'demo/spa/dist/app.js', format: 'es', sourcemap: true },
    plugins: [
      { name: 'consentgate-self', resolveId: (id) => (id === 'consentgate' ? new URL('./dist/index.mjs', import.meta.url).pathname : null) },
      ...plugins({ tsconfig: './demo/spa/tsconfig.json' }),
    ],
  });
}

export default builds;
