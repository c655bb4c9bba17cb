/**
 * The map canvas: regl-scatterplot draws the points and does panning, zooming and hit-testing;
 * this wrapper keeps the app's vocabulary (point index, NDC position, highlight) and adds keyboard
 * control, which the library lacks.
 */
import createScatterplot from 'regl-scatterplot';
import { fitDistance, type Viewport } from './projection.js';

type Scatterplot = ReturnType<typeof createScatterplot>;

export interface MapViewEvents {
  onHover(index: number | null): void;
  onPick(index: number): void;
  onView(): void;
  /** Shift+arrow: move the keyboard's point in this direction (y up). */
  onStep(dx: number, dy: number): void;
  /** Enter: open the keyboard's point. */
  onEnter(): void;
}

const STEPS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

/** Bigger dots for small maps, where each image matters; small ones at a million so the shape shows. */
function pointSizeFor(n: number): number {
  if (n <= 2_000) return 8;
  if (n <= 20_000) return 5;
  if (n <= 200_000) return 3;
  return 1.5;
}

export class MapView {
  private readonly plot: Scatterplot;
  private count = 0;
  private spatialIndex: ArrayBuffer | undefined;
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  /** Where a keyboard move is taking the camera: [x, y, distance]. */
  private goal: [number, number, number] | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly events: MapViewEvents, expectedPoints: number) {
    this.plot = createScatterplot({
      canvas,
      width: 'auto',
      height: 'auto',
      pointSize: pointSizeFor(expectedPoints),
      pointSizeSelected: 3,
      pointOutlineWidth: 2,
      opacityInactiveScale: 0.25,
      pointColorHover: '#ffffff',
      pointColorActive: '#ffffff',
      backgroundColor: '#101418',
      // Rotation would break the thumbnail and label projection; shift-lasso has no use here.
      actionKeyMap: {},
      deselectOnEscape: false,
      deselectOnDblClick: false,
      // Squares and no blending above half a million points keep a million points interactive.
      performanceMode: expectedPoints > 500_000,
      cameraDistance: fitDistance(canvas.clientWidth || 1, canvas.clientHeight || 1),
    });
    this.plot.subscribe('pointOver', (i: number) => events.onHover(i));
    this.plot.subscribe('pointOut', () => events.onHover(null));
    this.plot.subscribe('select', ({ points }: { points: number[] }) => {
      if (points.length === 1) events.onPick(points[0]!);
    });
    this.plot.subscribe('view', () => events.onView());
    this.plot.subscribe('draw', () => events.onView());
    canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  get pointCount(): number {
    return this.count;
  }

  /** Draws a new set of points; `category` indexes `colours`. */
  async setPoints(x: Float32Array, y: Float32Array, category: Float32Array, colours: string[]): Promise<void> {
    this.x = x;
    this.y = y;
    this.count = x.length;
    this.spatialIndex = undefined;
    await this.plot.set({ pointColor: colours.length > 0 ? colours : ['#9aa5b1'], colorBy: 'valueA' });
    await this.plot.draw({ x, y, valueA: category }, { zDataType: 'categorical' });
    this.spatialIndex = this.plot.get('spatialIndex');
  }

  /** Recolours without rebuilding the spatial index. */
  async recolour(category: Float32Array, colours: string[]): Promise<void> {
    await this.plot.set({ pointColor: colours.length > 0 ? colours : ['#9aa5b1'] });
    await this.plot.draw(
      { x: this.x, y: this.y, valueA: category },
      { zDataType: 'categorical', preventFilterReset: true, ...(this.spatialIndex ? { spatialIndex: this.spatialIndex } : {}) },
    );
  }

  /** Shows only these points; null shows all. */
  async filter(indices: number[] | null): Promise<void> {
    if (indices === null) await this.plot.unfilter({ preventEvent: true });
    else await this.plot.filter(indices, { preventEvent: true });
  }

  /** How many points the legend's filter leaves drawn. */
  shownCount(): number {
    return this.count === 0 ? 0 : (this.plot.get('filteredPoints') as number[]).length;
  }

  /** Marks the keyboard's point as hovered (with the reticle); null clears it. */
  cursor(index: number | null): void {
    this.plot.hover(index ?? -1, { showReticleOnce: true, preventEvent: true });
  }

  /** The centre of the view in NDC. */
  centre(): [number, number] {
    const camera = this.plot.get('camera') as { target: number[] };
    return [camera.target[0]!, camera.target[1]!];
  }

  highlight(indices: number[]): void {
    if (indices.length === 0) this.plot.deselect({ preventEvent: true });
    else this.plot.select(indices, { preventEvent: true });
  }

  ndcOf(index: number): [number, number] {
    return [this.x[index]!, this.y[index]!];
  }

  viewport(): Viewport {
    const camera = this.plot.get('camera') as { view: Float32Array };
    return { view: camera.view, width: this.canvas.clientWidth, height: this.canvas.clientHeight };
  }

  pointsInView(): number[] {
    return this.count === 0 ? [] : this.plot.get('pointsInView');
  }

  /** Zoom factor relative to the fitted overview (1 = whole map). */
  zoom(): number {
    const camera = this.plot.get('camera') as { distance: number[] };
    return fitDistance(this.canvas.clientWidth || 1, this.canvas.clientHeight || 1) / camera.distance[0]!;
  }

  flyTo(x: number, y: number, zoom: number, durationMs = 700): Promise<void> {
    const distance = fitDistance(this.canvas.clientWidth || 1, this.canvas.clientHeight || 1) / zoom;
    return this.plot.zoomToLocation([x, y], distance, { transition: true, transitionDuration: durationMs });
  }

  reset(): Promise<void> {
    return this.plot.zoomToLocation([0, 0], fitDistance(this.canvas.clientWidth || 1, this.canvas.clientHeight || 1), {
      transition: true,
      transitionDuration: 400,
    });
  }

  private onKey(e: KeyboardEvent): void {
    const direction = STEPS[e.key];
    if (direction && e.shiftKey) {
      e.preventDefault();
      this.events.onStep(...direction);
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      this.events.onEnter();
      return;
    }
    // Keys pressed while the camera is still moving build on where it is going, not where it is.
    const camera = this.plot.get('camera') as { target: number[]; distance: number[] };
    const [tx, ty, d] = this.goal ?? [camera.target[0]!, camera.target[1]!, camera.distance[0]!];
    const step = 0.15 * d;
    const moves: Record<string, [number, number, number]> = {
      ArrowLeft: [tx - step, ty, d],
      ArrowRight: [tx + step, ty, d],
      ArrowUp: [tx, ty + step, d],
      ArrowDown: [tx, ty - step, d],
      '+': [tx, ty, d / 1.5],
      '=': [tx, ty, d / 1.5],
      '-': [tx, ty, d * 1.5],
    };
    if (e.key === '0') {
      e.preventDefault();
      this.goal = null;
      void this.reset();
      return;
    }
    const to = moves[e.key];
    if (!to) return;
    e.preventDefault();
    this.goal = to;
    void this.plot.zoomToLocation([to[0], to[1]], to[2], { transition: true, transitionDuration: 120 }).then(() => {
      if (this.goal === to) this.goal = null;
    });
  }
}
