/**
 * Every built-in translation. Kept out of the UI's own module graph: the script tag ships English
 * only (byte budget) and a composition that wants them all passes these to `mountUi`.
 */
import type { UiTexts } from '../../types';
import ar from './ar.json';
import de from './de.json';
import en from './en.json';
import es from './es.json';
import fr from './fr.json';

export const BUILTIN_TEXTS: Readonly<Record<string, UiTexts>> = { en, es, fr, de, ar };
