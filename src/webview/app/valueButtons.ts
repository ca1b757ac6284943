import { button } from './dom';

/**
 * A drawn value's button, named in `data-button` ("saveAs", "fetch", "more"…):
 * the panel presses a value's buttons by that name (pressValueButton).
 */
export function valueButton(name: string, label: string, iconName: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = button(label, iconName, onClick, title);
  node.dataset.button = name;
  return node;
}

