/** Wraps a Warehouse to count round trips (query/batch calls) per session, for round-trip assertions. */
import type { Session, Warehouse } from '../../runner/warehouse/warehouse';
import { joinedSql } from './sql-pieces';

export interface Counter {
  roundTrips: number;
  batches: string[];
}

export function countingWarehouse(inner: Warehouse): { warehouse: Warehouse; counter: Counter } {
  const counter: Counter = { roundTrips: 0, batches: [] };
  const wrap = (s: Session): Session => ({
    get backendPid() {
      return s.backendPid;
    },
    query: (sql, params) => {
      counter.roundTrips++;
      return s.query(sql, params);
    },
    batch: (sql) => {
      counter.roundTrips++;
      counter.batches.push(joinedSql(sql));
      return s.batch(sql);
    },
    copyFrom: (sql, src) => s.copyFrom(sql, src),
    copyTo: (sql, sink) => s.copyTo(sql, sink),
    stream: (sql, params, onRows, chunk) => s.stream(sql, params, onRows, chunk),
    inTransaction: () => s.inTransaction(),
    release: (broken) => s.release(broken),
  });
  const warehouse: Warehouse = {
    get dialect() {
      return inner.dialect;
    },
    get label() {
      return inner.label;
    },
    get user() {
      return inner.user;
    },
    acquire: async () => {
      counter.roundTrips++; // the connection's set-up query
      return wrap(await inner.acquire());
    },
    cancel: (pid) => inner.cancel(pid),
    terminate: (pid) => inner.terminate(pid),
    close: () => inner.close(),
  };
  return { warehouse, counter };
}
