import type { ResolvedCategory, ResolvedConfig } from '../config';
import type { UiTextKey, UiTexts } from '../types';

export type Translate = (key: UiTextKey, vars?: Record<string, string | number>) => string;

/**
 * The UI language: `config.language`, or with `auto` the page's `<html lang>`, then the browser's
 * languages; each tried as written (`pt-BR`), then by its primary subtag (`pt`). Only languages
 * we have texts for count; English otherwise.
 */
export function pickLanguage(config: ResolvedConfig, doc: Document, available: readonly string[]): string {
  const nav = doc.defaultView?.navigator;
  const wanted = config.language !== 'auto' ? [config.language] : [doc.documentElement.lang, ...(nav?.languages ?? [nav?.language])];
  for (const tag of wanted) {
    const lower = (tag ?? '').toLowerCase();
    for (const candidate of [lower, lower.split('-')[0]]) {
      const hit = candidate && available.find((a) => a.toLowerCase() === candidate);
      if (hit) return hit;
    }
  }
  return 'en';
}

/** Right-to-left scripts among the languages sites ask for (Arabic, Hebrew, Persian, Urdu). */
export const isRtl = (lang: string): boolean => /^(ar|he|fa|ur)\b/i.test(lang);

/**
 * `{provider}`, `{category}`, `{count}` are replaced in the string; the result is always rendered
 * as a text node, so markup in a config text shows as text.
 */
export function translator(texts: UiTexts): Translate {
  return (key, vars) => (texts[key] ?? '').replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

/** A category's title or description: the config's own, then the texts, then its id. */
export const categoryText = (t: Translate, category: ResolvedCategory, what: 'title' | 'description'): string =>
  category[what] ?? (t(`category.${category.id}.${what}`) || (what === 'title' ? category.id : ''));
