/*
 * Connections between an action's container (a worker thread) and the platform's HTTP server
 * that cross a MessagePort instead of loopback TCP. Both ends are a `PortSocket`: a duplex
 * stream with the parts of `net.Socket` that Node's HTTP client, its agents (keep-alive
 * included) and its HTTP server use, so the bytes on it are the same HTTP/1.1 a TCP socket
 * would carry: the client writes its request, the server parses it with its own parser and
 * answers on the same stream.
 *
 * One MessagePort per container carries all its connections. A message is a list of frames
 * `id, payload, id, payload...`, everything written in one turn of the sender's event loop
 * (a response, its end and its close go as one message: a message costs more than its size).
 * A payload is bytes (a latin1 string up to 64 KB, which is cheaper to post than a buffer;
 * a Uint8Array whose memory is transferred, not copied, above), END (the sender will write
 * no more: a FIN) or CLOSE (the sender's end is gone: after END a close, before it a reset).
 * The container opens connections (ids it numbers); the platform's end learns of one by its
 * first frame.
 *
 * Plain CommonJS JavaScript: the container loads it with Node's own loader
 * (./worker-entry.js), the platform through ./container-link.ts.
 */
'use strict';
const { Duplex } = require('node:stream');

const END = 0;
const CLOSE = 1;
/** data up to this size travels as a latin1 string, larger as a transferred buffer */
const STRING_MAX = 64 * 1024;

class PortSocket extends Duplex {
  /**
   * @param link  {post(id, frame), drop(id, notify)} of the port this connection is on
   * @param local {address, port} of this end; remote: the other end's
   */
  constructor(link, id, local, remote, allowHalfOpen) {
    super({ allowHalfOpen, decodeStrings: false });
    this._link = link;
    this._id = id;
    this._idle = undefined;
    this._remoteClosed = false;
    this._ended = false;
    this.timeout = 0;
    this.connecting = false;
    this.pending = false;
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.localAddress = local.address;
    this.localPort = local.port;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
    this.remoteFamily = remote.address.includes(':') ? 'IPv6' : 'IPv4';
  }

  get readyState() {
    if (this.destroyed) return 'closed';
    if (this.readable && this.writable) return 'open';
    return this.readable ? 'readOnly' : this.writable ? 'writeOnly' : 'closed';
  }

  address() {
    return { address: this.localAddress, family: this.remoteFamily, port: this.localPort };
  }

  setNoDelay() {
    return this;
  }

  setKeepAlive() {
    return this;
  }

  ref() {
    return this;
  }

  unref() {
    return this;
  }

  /** net.Socket's idle timeout: 'timeout' after `ms` without bytes in either direction */
  setTimeout(ms, cb) {
    this.timeout = ms;
    if (this._idle) clearTimeout(this._idle);
    this._idle = undefined;
    if (ms > 0 && !this.destroyed) {
      this._idle = setTimeout(() => this.emit('timeout'), ms);
      this._idle.unref();
    }
    if (typeof cb === 'function') {
      if (ms > 0) this.once('timeout', cb);
      else this.removeListener('timeout', cb);
    }
    return this;
  }

  _touch() {
    if (this._idle) this._idle.refresh();
  }

  _read() {
    // bytes are pushed as their frames arrive
  }

  _write(chunk, encoding, cb) {
    this._writev([{ chunk, encoding }], cb);
  }

  _writev(chunks, cb) {
    if (this._remoteClosed) return cb();
    let size = 0;
    for (const c of chunks)
      size += typeof c.chunk === 'string' ? Buffer.byteLength(c.chunk, c.encoding) : c.chunk.length;
    // above STRING_MAX: memory of its own, transferable (Buffers may share pooled memory)
    const bytes = size > STRING_MAX ? Buffer.from(new ArrayBuffer(size)) : Buffer.allocUnsafe(size);
    let at = 0;
    for (const c of chunks) {
      if (typeof c.chunk === 'string') at += bytes.write(c.chunk, at, c.encoding);
      else {
        bytes.set(c.chunk, at);
        at += c.chunk.length;
      }
    }
    this.bytesWritten += size;
    this._touch();
    this._link.post(this._id, size > STRING_MAX ? bytes : bytes.toString('latin1', 0, size));
    cb();
  }

  _final(cb) {
    if (!this._remoteClosed) this._link.post(this._id, END);
    cb();
  }

  _destroy(err, cb) {
    if (this._idle) clearTimeout(this._idle);
    this._idle = undefined;
    // after a FIN each way the other end closes by itself; otherwise tell it
    const clean = this._ended && this.writableFinished;
    this._link.drop(this._id, !this._remoteClosed && !clean);
    cb(err);
  }

  /** a frame from the other end */
  _receive(frame) {
    if (typeof frame === 'string') {
      this.bytesRead += frame.length;
      this._touch();
      this.push(Buffer.from(frame, 'latin1'));
    } else if (frame === END) {
      this._ended = true;
      this.push(null);
    } else if (frame === CLOSE) {
      this._remoteClosed = true;
      // after its FIN the bytes it sent are still read (TCP's close); before, a reset
      if (!this._ended) this.destroy();
    } else {
      this.bytesRead += frame.byteLength;
      this._touch();
      this.push(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    }
  }
}

function isFrame(frame) {
  return typeof frame === 'string' || frame === END || frame === CLOSE || frame instanceof Uint8Array;
}

/**
 * The connections on one MessagePort. `onOpen(socket)`, on the platform's end, receives each
 * connection the other end opens; the container's end opens them with `connect()`.
 */
function portLink(port, { local, remote, allowHalfOpen, onOpen }) {
  const sockets = new Map();
  let next = 1;
  let last = 0;
  let closed = false;
  /** frames written in this turn of the event loop, sent together at its end */
  let outbox = [];
  let transfer = [];
  let flushing = false;
  const flush = () => {
    flushing = false;
    if (closed || outbox.length === 0) return;
    const frames = outbox;
    const moved = transfer;
    outbox = [];
    transfer = [];
    port.postMessage(frames, moved);
  };
  const send = (id, frame) => {
    if (closed) return;
    outbox.push(id, frame);
    if (frame instanceof Uint8Array) transfer.push(frame.buffer);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  const link = {
    post: send,
    drop(id, notify) {
      if (sockets.delete(id) && notify) send(id, CLOSE);
    },
    connect() {
      const id = next++;
      const s = new PortSocket(link, id, local, remote, allowHalfOpen);
      sockets.set(id, s);
      return s;
    },
    /** end every connection (the container is gone) */
    close() {
      if (closed) return;
      closed = true;
      for (const s of sockets.values()) {
        s._remoteClosed = true;
        s.destroy();
      }
      sockets.clear();
      port.close();
    },
    get size() {
      return sockets.size;
    },
  };
  const receive = (id, frame) => {
    let s = sockets.get(id);
    if (!s) {
      // a connection the other end opened, once; frames of one already closed here are dropped
      if (!onOpen || id <= last || frame === CLOSE) return;
      last = id;
      s = new PortSocket(link, id, local, remote, allowHalfOpen);
      sockets.set(id, s);
      onOpen(s);
    }
    s._receive(frame);
  };
  port.on('message', (frames) => {
    // the container's end runs the action's code: anything but well-formed frames is dropped
    if (!Array.isArray(frames)) return;
    for (let i = 0; i + 1 < frames.length; i += 2) {
      const id = frames[i];
      const frame = frames[i + 1];
      if (Number.isSafeInteger(id) && id > 0 && isFrame(frame)) receive(id, frame);
    }
  });
  port.on('close', () => link.close());
  return link;
}

module.exports = { PortSocket, portLink, END, CLOSE };
