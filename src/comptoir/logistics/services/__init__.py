"""Logistics' writes: `carriers`, `shipments` (create, dispatch, track, deliver, cancel) and `returns`."""
