/** One subscriber batch of one change: the body of a delivery queue message. */
export interface DeliveryMessage {
  changeId: string;
  emails: string[];
}

/** The queue between notify (plans batches) and deliver (sends one batch per message). */
export interface DeliveryQueue {
  /** All or nothing from the caller's view: throws when any message was refused, so the stream retries. */
  enqueue(messages: DeliveryMessage[]): Promise<void>;
}
