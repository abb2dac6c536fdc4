// Messages to and from the layout worker.
export interface LayoutRequest {
  id: number;
  nodes: { key: string; width: number; height: number }[];
  /** At most one edge per (from, to) pair; labelWidth 0 = no label. */
  edges: { from: string; to: string; labelWidth: number }[];
}

export interface Point {
  x: number;
  y: number;
}

export interface LayoutResult {
  id: number;
  width: number;
  height: number;
  /** Box centres, relative to the container's content origin. */
  nodes: { key: string; x: number; y: number }[];
  edges: { from: string; to: string; points: Point[]; labelX?: number; labelY?: number }[];
  error?: string;
}
