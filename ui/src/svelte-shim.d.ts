/**
 * What TypeScript needs to read the UI's modules (docs/ui.md §Building and serving): Svelte's runes
 * and a type for imported components; Svelte's own compiler checks the components themselves.
 */
/// <reference types="svelte" />
declare module '*.svelte' {
  import type { Component } from 'svelte';

  // biome-ignore lint/suspicious/noExplicitAny: a component's props are checked by Svelte's compiler, not here.
  const component: Component<any>;
  export default component;
}

/** Stylesheets imported for their effect: Vite bundles them. */
declare module '*.css';
