// Preloaded (node --require) into a CLI run that must stay offline: any attempt to open a TCP
// connection or resolve a host name ends the process with exit code 99 and says what was tried.
// Local IPC (Unix sockets and named pipes, which tsx uses) is let through: it is not the network.
const net = require('node:net');
const dns = require('node:dns');

function refuse(what) {
  return (...args) => {
    process.stderr.write(`NETWORK ACCESS ATTEMPTED: ${what} ${JSON.stringify(args[0] ?? null)}\n`);
    process.exit(99);
  };
}
const connect = net.Socket.prototype.connect;
const refuseTcp = refuse('net.Socket.connect');
net.Socket.prototype.connect = function (...args) {
  const target = Array.isArray(args[0]) ? args[0][0] : args[0];
  const ipc = typeof target === 'string' || (target && typeof target === 'object' && 'path' in target);
  return ipc ? connect.apply(this, args) : refuseTcp(...args);
};
dns.lookup = refuse('dns.lookup');
dns.promises.lookup = refuse('dns.promises.lookup');
