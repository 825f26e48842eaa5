// Compiled by TypeScriptDeclarationTests, which expects it to fail: a call the declarations refuse
// (the protocol's own `join` is not a message to relay) shows that the check can fail at all.
import { SwitchboardClient } from 'switchboard-js';

const client = new SwitchboardClient();
client.send('room', 'join', { roomId: 'another' });
