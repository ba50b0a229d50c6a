// The few WordPress globals the editor script uses (wp.blocks, wp.element, wp.blockEditor,
// wp.components, wp.i18n), declared as the modules the build maps onto them
// (rollup.config.mjs). Only what this script calls: the @wordpress/* type packages would
// bring some 30 packages for these dozen functions.

declare module '@wordpress/element' {
  export type Element = object | string | null | false;
  export type Props = Record<string, unknown> | null;
  export function createElement(
    type: string | ((props: never) => Element),
    props?: Props,
    ...children: Element[]
  ): Element;
  export const Fragment: (props: never) => Element;
}

declare module '@wordpress/blocks' {
  import type { Element } from '@wordpress/element';
  export interface EditProps<A> {
    attributes: A;
    setAttributes(changes: Partial<A>): void;
    isSelected: boolean;
  }
  export function registerBlockType<A>(
    name: string,
    settings: { edit: (props: EditProps<A>) => Element; save: () => null },
  ): unknown;
}

declare module '@wordpress/block-editor' {
  import type { Element } from '@wordpress/element';
  export function useBlockProps(props?: Record<string, unknown>): Record<string, unknown>;
  export const InspectorControls: (props: { children?: Element[] }) => Element;
}

declare module '@wordpress/components' {
  import type { Element } from '@wordpress/element';
  interface Field<V> {
    label: string;
    help?: string;
    value: V;
    onChange(value: V): void;
    __nextHasNoMarginBottom?: boolean;
  }
  export const PanelBody: (props: { title: string; initialOpen?: boolean }) => Element;
  export const TextControl: (props: Field<string> & { type?: string }) => Element;
  export const SelectControl: (
    props: Field<string> & { options: { label: string; value: string }[] },
  ) => Element;
  export const CheckboxControl: (
    props: Omit<Field<boolean>, 'value'> & { checked: boolean },
  ) => Element;
  export const BaseControl: (props: { label: string; help?: string; id?: string }) => Element;
  export const Notice: (props: { status: 'error' | 'warning'; isDismissible?: boolean }) => Element;
}

declare module '@wordpress/i18n' {
  export function __(text: string, domain: string): string;
  export function sprintf(format: string, ...args: (string | number)[]): string;
}
