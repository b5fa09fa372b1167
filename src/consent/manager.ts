import { modeForRegion, type ResolvedConfig } from '../config';
import { normalizeRegion } from '../integrations/regions';
import { guarded, logWarning } from '../log';
import type { ChangeCause, ChangeListener, ConsentChange, ConsentChoices, ConsentMethod, ConsentMode, ConsentRecord, SignalDecision } from '../types';
import { choiceMap, choiceOf, copyRecord, parseRecord, randomConsentId, serializeRecord, type RecordStatus } from './record';
import { decideSignal, type ObservedSignals } from './signals';
import type { ConsentStore } from './store';

export interface ConsentManagerOptions {
  /** The resolved config, or null when it was invalid: then everything but `necessary` stays blocked. */
  config: ResolvedConfig | null;
  store: ConsentStore;
  signals: ObservedSignals;
  region?: string;
  now?: () => number;
  newId?: () => string;
}

/** The single source of truth for consent. No DOM: the UI and the blocking layer subscribe to it. */
export interface ConsentManager {
  readonly config: ResolvedConfig | null;
  readonly signals: ObservedSignals;
  /** Why the stored value was or was not used at start-up. */
  readonly storedStatus: RecordStatus;
  mode(): ConsentMode;
  get(): ConsentRecord | null;
  hasDecision(): boolean;
  isGranted(category: string, service?: string): boolean;
  /** Whether a browser signal switched this category off (and the visitor did not switch it back on). */
  signalBlocks(category: string): SignalDecision | null;
  acceptAll(method?: ConsentMethod): void;
  rejectAll(method?: ConsentMethod): void;
  update(choices: ConsentChoices, method?: ConsentMethod): void;
  withdraw(method?: ConsentMethod): void;
  onChange(listener: ChangeListener): () => void;
  whenGranted(category: string, service?: string): Promise<void>;
  setRegion(region: string): void;
  /** Categories kept blocked on this page whatever the consent (sensitive pages); [] lifts it. */
  restrict(categories: readonly string[]): void;
  restricted(): readonly string[];
  /** Re-reads the store (another tab decided). */
  sync(): void;
}

const ISO = (ms: number) => new Date(ms).toISOString();

export function createConsentManager(options: ConsentManagerOptions): ConsentManager {
  const { config, store, signals } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomConsentId;
  const listeners = new Set<ChangeListener>();
  // As `data-region` and the config's keys: trimmed, upper case (`us-ca ` is `US-CA`).
  let region = normalizeRegion(options.region);
  let restricted = new Set<string>();

  const categories = config?.categories ?? [];
  const categoryById = new Map(categories.map((c) => [c.id, c]));
  const optional = categories.filter((c) => !c.required);
  const serviceCategory = new Map<string, string>();
  for (const c of categories) for (const s of c.services) serviceCategory.set(s.id, c.id);

  /** Whether a record grants a category, or a service of it. */
  const grants = (r: Pick<ConsentRecord, 'categories' | 'services'>, category: string, service?: string) =>
    (service === undefined ? undefined : choiceOf(r.services, service)) ?? choiceOf(r.categories, category) ?? false;

  /**
   * Several records none of which the store could tell as its own (store.ts): only what all of them
   * grant, on the latest of them. Made in an opt-out regime if any was, which an opt-in regime then
   * does not take as consent.
   */
  function mostRestrictive(records: ConsentRecord[]): ConsentRecord {
    const latest = records.reduce((a, b) => (Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a));
    const services = choiceMap();
    for (const r of records) {
      for (const id of Object.keys(r.services)) {
        const category = serviceCategory.get(id);
        services[id] = records.every((other) => (category === undefined ? choiceOf(other.services, id) === true : grants(other, category, id)));
      }
    }
    return {
      ...latest,
      mode: records.some((r) => r.mode === 'opt-out') ? 'opt-out' : latest.mode,
      categories: choiceMap(Object.fromEntries(categories.map((c) => [c.id, records.every((r) => grants(r, c.id))]))),
      services,
    };
  }

  function load(): { record: ConsentRecord | null; status: RecordStatus } {
    if (!config) return { record: null, status: 'none' };
    const check = { policyVersion: config.policy.version, lifetimeDays: config.policy.lifetimeDays, now: now() };
    const read = parseRecord(store.read(), check);
    const others = store.conflicting?.() ?? [];
    if (read.record || !others.length) return read;
    const records = others.map((raw) => parseRecord(raw, check).record).filter((r): r is ConsentRecord => r !== null);
    if (!records.length) return { record: null, status: 'invalid' };
    // Kept as the site's own from now on: the store deleted the others.
    const merged = mostRestrictive(records);
    store.write(serializeRecord(merged), config.policy.lifetimeDays);
    return { record: merged, status: 'ok' };
  }
  const loaded = load();
  let record = loaded.record;

  const mode = (): ConsentMode => (config ? modeForRegion(config, region) : 'opt-in');

  /**
   * Whether the stored record is the visitor's decision under the current regime. A record made in
   * an opt-out regime holds categories that were on because nobody objected (a GPC `signal` record,
   * an opt-out link click): that is not consent where the regime is opt-in (the visitor travelled,
   * the site chose another region, or switched modes), so such a visitor is asked again.
   */
  const decided = () => record !== null && !(record.mode === 'opt-out' && mode() === 'opt-in');
  /** The record while it counts: `get()` and every change show no other (the UI starts from it). */
  const counted = () => (decided() ? record : null);

  const currentDecisions = () => ({
    doNotTrack: decideSignal(signals.doNotTrack, config!.signals.doNotTrack),
    globalPrivacyControl: decideSignal(signals.globalPrivacyControl, config!.signals.globalPrivacyControl),
  });

  function signalBlocks(category: string): SignalDecision | null {
    if (!config) return null;
    const decisions = record && decided() ? record.signals : currentDecisions();
    for (const decision of [decisions.doNotTrack, decisions.globalPrivacyControl]) {
      if (decision.categories.includes(category) && !decision.overriddenByVisitor?.includes(category)) return decision;
    }
    return null;
  }

  function isGranted(category: string, service?: string): boolean {
    // Fail closed: with no valid config only the conventional necessary category runs.
    if (!config) return category === 'necessary';
    const c = categoryById.get(category);
    if (!c) return false;
    if (c.required) return true;
    if (restricted.has(category) || signalBlocks(category)) return false;
    if (record && decided()) {
      const byService = service === undefined ? undefined : choiceOf(record.services, service);
      return byService ?? choiceOf(record.categories, category) ?? false;
    }
    return mode() === 'opt-out' && c.default;
  }

  function snapshot(cause: ChangeCause): ConsentChange {
    return {
      record: copyRecord(counted()),
      categories: categories.filter((c) => isGranted(c.id)).map((c) => c.id),
      services: [...serviceCategory].filter(([s, c]) => isGranted(c, s)).map(([s]) => s),
      cause,
    };
  }

  function emit(cause: ChangeCause): void {
    const change = snapshot(cause);
    for (const listener of [...listeners]) guarded('A consent change listener', listener, { ...change, record: copyRecord(counted()) });
  }

  /**
   * The state the visitor sees now, per category, as the base of a first decision. A sensitive
   * page's restriction is page state, not the visitor's choice: it never reaches the record.
   */
  function effectiveCategories(): Record<string, boolean> {
    const page = restricted;
    restricted = new Set();
    try {
      return choiceMap(Object.fromEntries(categories.map((c) => [c.id, isGranted(c.id)])));
    } finally {
      restricted = page;
    }
  }

  /**
   * Writes a decision. `explicit` lists categories the visitor switched on one by one: only those
   * may override an honored signal (GPC: "accept all" never re-enables sale/sharing).
   */
  function decide(
    nextCategories: Record<string, boolean>,
    nextServices: Record<string, boolean>,
    method: ConsentMethod,
    explicit: readonly string[],
    cause: ChangeCause,
  ): void {
    if (!config) {
      logWarning('The configuration is invalid, so no consent can be recorded; every non-necessary category stays blocked.');
      return;
    }
    const previous = record;
    const counts = decided();
    const at = ISO(now());
    const decisions = currentDecisions();
    for (const key of ['doNotTrack', 'globalPrivacyControl'] as const) {
      const decision = decisions[key];
      // Earlier overrides hold while the category stays on; "reject all" or a switch-off ends them.
      const overrides = [...new Set([...(previous?.signals[key].overriddenByVisitor ?? []), ...explicit])].filter(
        (id) => decision.categories.includes(id) && choiceOf(nextCategories, id),
      );
      for (const id of decision.categories) if (!overrides.includes(id)) nextCategories[id] = false;
      if (overrides.length) decision.overriddenByVisitor = overrides;
    }
    for (const c of categories) if (c.required) nextCategories[c.id] = true;
    // Per-service entries are kept only where they differ from their category: the cookie stays small.
    const services = choiceMap();
    for (const [id, value] of Object.entries(nextServices)) {
      const category = serviceCategory.get(id);
      if (category === undefined || choiceOf(nextCategories, category) !== value) services[id] = value;
    }
    // Consent taken back is withdrawn, whichever button did it (GDPR Art. 7(3)): Reject all, a switch
    // turned off or the Opt Out link after a grant stamp the time as withdraw() does. What a browser
    // signal switched off is the signal's, recorded under `signals`.
    const next = { categories: nextCategories, services };
    const choicesMade: Array<[category: string, service?: string]> = [...optional.map((c): [string] => [c.id]), ...[...serviceCategory].map(([s, c]): [string, string] => [c, s])];
    const tookBack =
      previous !== null && counts && method !== 'signal' && choicesMade.some(([category, service]) => grants(previous, category, service) && !grants(next, category, service));
    record = {
      v: 1,
      id: previous?.id ?? newId(),
      givenAt: previous?.givenAt ?? at,
      updatedAt: at,
      ...(cause === 'withdraw' || tookBack ? { withdrawnAt: at } : previous?.withdrawnAt ? { withdrawnAt: previous.withdrawnAt } : {}),
      policyVersion: config.policy.version,
      mode: mode(),
      categories: nextCategories,
      services,
      method,
      seq: (previous?.seq ?? 0) + 1,
      signals: decisions,
    };
    store.write(serializeRecord(record), config.policy.lifetimeDays);
    emit(cause);
  }

  const all = (value: boolean) => choiceMap(Object.fromEntries(categories.map((c) => [c.id, value || c.required])));

  /** A browser signal that the site honors decides for the visitor only where the regime lets it. */
  function applySignalsWithoutVisitor(): void {
    if (!config) return;
    const decisions = currentDecisions();
    const forced = [...decisions.doNotTrack.categories, ...decisions.globalPrivacyControl.categories];
    if (!forced.length) return;
    if (record && decided()) {
      // A signal turned on since the decision: record the new observation (the signal decided).
      const applied = [...record.signals.doNotTrack.categories, ...record.signals.globalPrivacyControl.categories];
      if (forced.some((id) => !applied.includes(id))) decide(choiceMap(record.categories), choiceMap(record.services), 'signal', [], 'decision');
    } else if (mode() === 'opt-out') {
      // Opt-out regimes: GPC is the visitor's opt-out (no banner needed); record it as the signal's.
      decide(effectiveCategories(), {}, 'signal', [], 'decision');
    }
  }

  applySignalsWithoutVisitor();

  const manager: ConsentManager = {
    config,
    signals,
    storedStatus: loaded.status,
    mode,
    get: () => copyRecord(counted()),
    hasDecision: decided,
    isGranted,
    signalBlocks,
    acceptAll(method = 'api') {
      decide(all(true), {}, method, [], 'decision');
    },
    rejectAll(method = 'api') {
      decide(all(false), {}, method, [], 'decision');
    },
    update(choices, method = 'api') {
      const nextCategories = record && decided() ? choiceMap(record.categories) : effectiveCategories();
      const nextServices = choiceMap(record && decided() ? record.services : {});
      const explicit: string[] = [];
      for (const [key, value] of Object.entries(choices ?? {})) {
        if (typeof value !== 'boolean') {
          logWarning(`update(): "${key}" must be true or false; ignored.`);
          continue;
        }
        const dot = key.indexOf('.');
        const service = dot > 0 ? key.slice(dot + 1) : key;
        if (categoryById.has(key)) {
          nextCategories[key] = value;
          // Only a switch the visitor turned on in the preferences overrides an honored signal (GPC:
          // "accept all", a placeholder or a site script calling update() through the API do not).
          if (value && method === 'preferences') explicit.push(key);
          // A category choice speaks for its services, unless the same call names them. Its own
          // list, not every service: a choice per category would otherwise cost categories × services.
          for (const s of categoryById.get(key)!.services) delete nextServices[s.id];
        } else if (serviceCategory.has(service) || (dot > 0 && categoryById.has(key.slice(0, dot)))) {
          nextServices[service] = value;
        } else {
          logWarning(`update(): "${key}" is neither a configured category nor a service; ignored.`);
        }
      }
      decide(nextCategories, nextServices, method, explicit, 'decision');
    },
    withdraw(method = 'api') {
      decide(all(false), {}, method, [], 'withdraw');
    },
    onChange(listener) {
      if (typeof listener !== 'function') return () => {};
      listeners.add(listener);
      // A late subscriber still learns the current state.
      guarded('A consent change listener', listener, snapshot('init'));
      return () => listeners.delete(listener);
    },
    whenGranted(category, service) {
      return new Promise<void>((resolve) => {
        if (isGranted(category, service)) return resolve();
        const stop = manager.onChange(() => {
          if (isGranted(category, service)) {
            stop();
            resolve();
          }
        });
      });
    },
    setRegion(next) {
      if (typeof next !== 'string') return;
      const before = mode();
      region = normalizeRegion(next);
      if (mode() !== before) {
        applySignalsWithoutVisitor();
        emit('context');
      }
    },
    restrict(ids) {
      const next = new Set(ids);
      if (next.size === restricted.size && [...next].every((id) => restricted.has(id))) return;
      restricted = next;
      emit('context');
    },
    restricted: () => [...restricted],
    sync() {
      const next = load().record;
      if (JSON.stringify(next) === JSON.stringify(record)) return;
      const withdrew = record && next && next.withdrawnAt !== record.withdrawnAt;
      record = next;
      emit(withdrew ? 'withdraw' : 'sync');
    },
  };
  return manager;
}
