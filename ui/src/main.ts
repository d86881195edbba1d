/**
 * The UI's entry (docs/ui.md): the language and display remembered on the phone first, so that the
 * first paint is already right, then the app, then the service worker where the browser allows one.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { rememberedLang, setLang } from './i18n/i18n.svelte.js';
import { registerServiceWorker } from './lib/service-worker-registration.js';
import { applyTheme, rememberedTheme } from './lib/theme.js';

function storage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

applyTheme(rememberedTheme(storage()));
const lang = rememberedLang(storage());
const ready = lang === 'zh-CN' ? Promise.resolve() : setLang(lang).catch(() => undefined);

void ready.then(() => {
  const target = document.getElementById('app');
  if (target) mount(App, { target });
  registerServiceWorker();
});
