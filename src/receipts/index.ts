export { buildReceipt, pageOf, receiptKey, type ReceiptContext } from './receipt';
export { createReceiptQueue, type ReceiptQueue, type ReceiptQueueOptions, type ReceiptQueueStats, type ReceiptStorage } from './queue';
export { connectReceipts, type ReceiptsConnection, type ReceiptsContext } from './connect';
