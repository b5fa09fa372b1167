import type { ResolvedSignal } from '../config';
import type { SignalDecision } from '../types';

/** What the browser says, read once per page view. */
export interface ObservedSignals {
  /** `"1"` (do not track), `"0"`, or null when unset. */
  doNotTrack: string | null;
  /** True when Global Privacy Control is on. */
  globalPrivacyControl: boolean;
}

interface SignalSources {
  navigator?: { doNotTrack?: unknown; msDoNotTrack?: unknown; globalPrivacyControl?: unknown };
  window?: { doNotTrack?: unknown };
}

/**
 * Reads DNT from every place browsers have put it (`navigator.doNotTrack`, IE's
 * `window.doNotTrack` and `navigator.msDoNotTrack`) and GPC from `navigator.globalPrivacyControl`
 * (GPC spec §4: a boolean, true when the person opted out). "yes" is old Firefox's DNT value.
 */
export function readSignals(sources: SignalSources = { navigator: globalThis.navigator, window: globalThis.window as SignalSources['window'] }): ObservedSignals {
  let dnt: string | null = null;
  try {
    const nav = sources.navigator;
    const raw = nav?.doNotTrack ?? sources.window?.doNotTrack ?? nav?.msDoNotTrack;
    if (raw === '1' || raw === 'yes' || raw === 1) dnt = '1';
    else if (raw === '0' || raw === 'no' || raw === 0) dnt = '0';
  } catch {
    dnt = null;
  }
  let gpc = false;
  try {
    gpc = sources.navigator?.globalPrivacyControl === true;
  } catch {
    gpc = false;
  }
  return { doNotTrack: dnt, globalPrivacyControl: gpc };
}

/** True when the signal asks for an opt-out. */
export function signalOn(observed: string | boolean | null): boolean {
  return observed === true || observed === '1';
}

/** What the site does with one observed signal, as the record keeps it. */
export function decideSignal(observed: string | boolean | null, policy: ResolvedSignal): SignalDecision {
  const honored = policy.mode === 'honor';
  return {
    observed,
    honored,
    categories: honored && signalOn(observed) ? [...policy.categories] : [],
    reason: policy.reason,
  };
}
