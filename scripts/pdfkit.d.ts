/** The part of pdfkit's API the fixture scripts use (the package ships no types). */
declare module 'pdfkit' {
  interface TextOptions {
    width?: number;
    align?: 'left' | 'center' | 'right' | 'justify';
    lineBreak?: boolean;
    continued?: boolean;
  }
  class PDFDocument {
    constructor(options?: {
      size?: string | [number, number];
      margin?: number;
      layout?: 'portrait' | 'landscape';
      info?: Record<string, string>;
      compress?: boolean;
      autoFirstPage?: boolean;
    });
    readonly page: { width: number; height: number };
    y: number;
    pipe<T extends NodeJS.WritableStream>(destination: T): T;
    addPage(options?: { size?: string; margin?: number; layout?: 'portrait' | 'landscape' }): this;
    font(name: string): this;
    fontSize(size: number): this;
    text(text: string, x?: number, y?: number, options?: TextOptions): this;
    heightOfString(text: string, options?: TextOptions): number;
    moveTo(x: number, y: number): this;
    lineTo(x: number, y: number): this;
    lineWidth(width: number): this;
    stroke(): this;
    end(): void;
  }
  export default PDFDocument;
}
