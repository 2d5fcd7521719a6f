// Everything only staff use, as one module the classroom imports on demand: students (most
// people) never download the class tools.
export { StaffTools } from './StaffTools.js';
export { LobbyQueue, RequestsQueue } from './Queues.js';
export { ParticipantMenu } from './ParticipantMenu.js';
