// Export writer processes start here: register the TypeScript loader, then load the writer.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
