// Column widths of the match table: the content's width within bounds, or what the user dragged.
// The table is laid out with fixed widths (its total can exceed the panel: the wrapper scrolls).

export const MIN_WIDTH = 48;
/** Widest a column starts: long values (ARNs, user agents) are cut with … and shown whole on hover. */
export const MAX_START_WIDTH = 280;

/** The starting width of a column from its natural (content) width. */
export function fitWidth(natural: number): number {
  return Math.round(Math.max(MIN_WIDTH, Math.min(MAX_START_WIDTH, natural)));
}

/** Drags a column's right edge: the header cell and the table grow or shrink together. */
export function startResize(down: MouseEvent, th: HTMLElement, table: HTMLElement, done: (width: number) => void): void {
  const startX = down.clientX;
  const startWidth = th.getBoundingClientRect().width;
  const tableWidth = table.getBoundingClientRect().width;
  let width = startWidth;
  document.body.classList.add('resizing');
  const move = (e: MouseEvent) => {
    width = Math.max(MIN_WIDTH, Math.round(startWidth + e.clientX - startX));
    th.style.width = `${width}px`;
    table.style.width = `${Math.round(tableWidth + width - startWidth)}px`;
  };
  const up = () => {
    document.removeEventListener('mousemove', move);
    document.removeEventListener('mouseup', up);
    document.body.classList.remove('resizing');
    done(width);
  };
  document.addEventListener('mousemove', move);
  document.addEventListener('mouseup', up);
}
