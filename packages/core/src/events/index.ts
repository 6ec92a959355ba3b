export { EventBus, type Listener, type ListenerErrorHandler } from './event-bus.js';
