/**
 * The order in which the popup draws its reads of the tab. Reads overlap: each storage change
 * starts one, and a tab-status answer can take longer than the page's next count report (every
 * 100 ms while images are enhanced). Drawing only the latest read left the counts frozen for the
 * whole of an Enhance all; drawing every answer would let a slow, older one undo a newer one.
 */
export class ReadOrder {
  private issued = 0;
  private drawn = 0;
  private editedAt = 0;
  private writes = 0;

  /** A ticket for a read about to start. */
  next(): number {
    return ++this.issued;
  }

  /**
   * Whether the answer of the read with this ticket may be drawn, marking it drawn: only if no
   * newer read was drawn, and the read started after the user's last edit of a control (one that
   * started before holds the value the edit replaced, and would set the control back).
   */
  claim(ticket: number): boolean {
    if (ticket < this.drawn || ticket <= this.editedAt) return false;
    this.drawn = ticket;
    return true;
  }

  /**
   * The user changed a control, and its write begins: the reads under way are older than that
   * change. The function returned is called once the write has settled, stored or refused: the
   * reads started meanwhile may have read storage before it, and are dropped too.
   */
  writing(): () => void {
    this.editedAt = this.issued;
    this.writes++;
    return () => {
      this.editedAt = this.issued;
      this.writes--;
    };
  }

  /** Whether a write of a control is under way: an answer drawn meanwhile leaves the controls as the user set them. */
  get controlsBusy(): boolean {
    return this.writes > 0;
  }
}
