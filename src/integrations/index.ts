export { dispatchChangeEvents, CHANGE_EVENT } from './dom-event';
