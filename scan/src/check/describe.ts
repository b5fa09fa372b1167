/** One wording of a finding for every output: the check's text, JSON and JUnit, and the report. */
import { categoryTitle } from '../classify/categories';
import type { Firing } from '../classify/findings';
import type { Verdict } from '../classify/judge';
import type { ElementMarking, Initiator } from '../types';

export function describeVerdict(verdict: Verdict): string {
  if (verdict.kind === 'service') {
    const s = verdict.service;
    return `${s.title} (${s.id}; ${categoryTitle(s.category).toLowerCase()}${s.provider ? `; ${s.provider}` : ''})`;
  }
  if (verdict.kind === 'unknown') return `unknown third party ${verdict.site} (in no service of the registry or the config)`;
  return 'the site itself';
}

export function describeInitiator(initiator: Initiator | undefined): string {
  if (!initiator) return 'not given by the browser';
  const where = initiator.url ? ` ${initiator.url}${initiator.line ? `:${initiator.line}${initiator.column ? `:${initiator.column}` : ''}` : ''}` : '';
  return `${initiator.type}${where}`;
}

export function describeElement(element: ElementMarking | undefined): string | undefined {
  if (!element) return undefined;
  const marks = [element.category !== undefined && `data-category="${element.category}"`, element.service !== undefined && `data-service="${element.service}"`].filter(Boolean);
  return marks.length ? `<${element.tag} ${marks.join(' ')}>` : `an unmarked <${element.tag}>`;
}

/** Why it probably happened, when the evidence says: the likely fix for the site owner. */
export function hintFor(firing: Firing): string | undefined {
  const element = firing.request?.element;
  const initiatorUrl = firing.request?.initiator?.url ?? '';
  const releasedByConsentGate = /\/consentgate(-app)?\.js(\?|$)/.test(initiatorUrl);
  if (element?.category === 'necessary' || (releasedByConsentGate && firing.verdict.kind === 'service')) {
    return 'the tag is marked as necessary, so ConsentGate lets it run: mark it with the category of its service';
  }
  if (firing.verdict.kind === 'unknown') {
    return `add ${firing.verdict.site} to your config as a service of its category (ConsentGate then holds it), or --allow it if it is necessary`;
  }
  if (element && element.category === undefined && element.service === undefined) return 'an unmarked tag ConsentGate does not hold: mark it, or check that ConsentGate loads first in <head>';
  return undefined;
}

export function describeFiring(firing: Firing): string {
  if (firing.what === 'request') return `${firing.request?.resourceType ?? 'request'} ${firing.name}`;
  if (firing.what === 'cookie') return `cookie ${firing.name}${firing.cookie ? ` (${firing.cookie.domain})` : ''}`;
  return firing.name;
}
