;; Finds the records of a `{"Records":[…]}` file's array (recordScan.ts runs it; recordsText.ts recordSpans is what it
;; must agree with): 64 bytes at a time with WebAssembly SIMD. JavaScript has no vector instructions, and finding the
;; strings of 252 MB of CloudTrail records one native search at a time costs ~6 times more than this.
;;
;; A block of 64 bytes (four vectors) without a backslash or a line break is taken at once: its quotes, as a 64-bit
;; mask, give which of its bytes are inside a string (a prefix XOR over the mask, flipped when a string was open at the
;; block's start); its brackets outside strings are then taken one by one. A block with a backslash (or one whose first
;; byte a backslash escapes) goes 16 bytes at a time, the same way, and a 16-byte block with one is walked byte by
;; byte; so do the last bytes. A line break anywhere gives up: recordSpans then reads the file itself (it counts
;; lines, and a line break inside a string is an error it leaves to the splitter).
;;
;; Memory (recordScan.ts lays it out): the open brackets' stack at 0 (one byte each), the records found as pairs of
;; i32 (start, end) at `out`, the window of the file's bytes being scanned. Positions given back are the file's
;; offsets: a byte's address plus `delta`. The scan carries its state (depth, string, escape, the open record's start)
;; from one window to the next in globals.
(module
  (memory (export "memory") 18)
  ;; Where the scan stopped (an address: out full, or the window's unscanned rest) or the array's `]` (a file offset).
  (global $pos (export "pos") (mut i32) (i32.const 0))
  ;; Records written at `out` since the last reset of count.
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $depth (mut i32) (i32.const 0))
  ;; -1 (all bits set) while inside a string, else 0 (a block's mask is XORed with it).
  (global $inString (mut i32) (i32.const 0))
  ;; 1 when the next byte is escaped by a backslash.
  (global $escape (mut i32) (i32.const 0))
  ;; The file offset of the open record's `{`.
  (global $recordStart (mut i32) (i32.const 0))
  ;; The opening brackets of the line `lines` has not ended yet.
  (global $openers (mut i32) (i32.const 0))

  (func (export "reset")
    (global.set $count (i32.const 0))
    (global.set $depth (i32.const 0))
    (global.set $inString (i32.const 0))
    (global.set $escape (i32.const 0))
    (global.set $openers (i32.const 0)))

  ;; A bracket outside strings, `c` at address `at`. 0: go on; 1: the array's `]`; -1: give up (what recordSpans does
  ;; not take: a `[` or `}` where a record should start, a mismatched bracket, nesting past `room`).
  (func $bracket (param $c i32) (param $at i32) (param $delta i32) (param $room i32) (param $out i32) (result i32)
    (local $d i32)
    (local $slot i32)
    (local.set $d (global.get $depth))
    ;; `{` 0x7B and `[` 0x5B open; `}` 0x7D and `]` 0x5D close (each closer is its opener + 2).
    (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7B))
      (then
        (if (i32.eqz (local.get $d))
          (then
            (if (i32.ne (local.get $c) (i32.const 0x7B)) (then (return (i32.const -1))))
            (global.set $recordStart (i32.add (local.get $at) (local.get $delta)))))
        (if (i32.ge_u (local.get $d) (local.get $room)) (then (return (i32.const -1))))
        (i32.store8 (local.get $d) (local.get $c))
        (global.set $depth (i32.add (local.get $d) (i32.const 1)))
        (return (i32.const 0))))
    (if (i32.eqz (local.get $d))
      (then
        (if (i32.eq (local.get $c) (i32.const 0x5D))
          (then
            (global.set $pos (i32.add (local.get $at) (local.get $delta)))
            (return (i32.const 1))))
        (return (i32.const -1))))
    (local.set $d (i32.sub (local.get $d) (i32.const 1)))
    (if (i32.ne (i32.load8_u (local.get $d)) (i32.sub (local.get $c) (i32.const 2))) (then (return (i32.const -1))))
    (global.set $depth (local.get $d))
    (if (i32.eqz (local.get $d))
      (then
        (local.set $slot (i32.add (local.get $out) (i32.shl (global.get $count) (i32.const 3))))
        (i32.store (local.get $slot) (global.get $recordStart))
        (i32.store offset=4 (local.get $slot) (i32.add (i32.add (local.get $at) (local.get $delta)) (i32.const 1)))
        (global.set $count (i32.add (global.get $count) (i32.const 1)))))
    (i32.const 0))

  ;; One byte walked alone (a block with a backslash, the window's last bytes): as $bracket.
  (func $byte (param $c i32) (param $at i32) (param $delta i32) (param $room i32) (param $out i32) (result i32)
    (local $folded i32)
    (if (i32.eq (local.get $c) (i32.const 0x0A)) (then (return (i32.const -1))))
    (if (global.get $inString)
      (then
        (if (global.get $escape) (then (global.set $escape (i32.const 0)) (return (i32.const 0))))
        (if (i32.eq (local.get $c) (i32.const 0x5C)) (then (global.set $escape (i32.const 1)) (return (i32.const 0))))
        (if (i32.eq (local.get $c) (i32.const 0x22)) (then (global.set $inString (i32.const 0))))
        (return (i32.const 0))))
    (if (i32.eq (local.get $c) (i32.const 0x22))
      (then (global.set $inString (i32.const -1)) (return (i32.const 0))))
    (local.set $folded (i32.or (local.get $c) (i32.const 0x20)))
    (if (i32.or (i32.eq (local.get $folded) (i32.const 0x7B)) (i32.eq (local.get $folded) (i32.const 0x7D)))
      (then (return (call $bracket (local.get $c) (local.get $at) (local.get $delta) (local.get $room) (local.get $out)))))
    (i32.const 0))

  ;; Scans addresses [p, end). 0: `out` holds `cap` - 8 records or more (take them, reset count, call again from pos);
  ;; 1: the array's `]` at file offset pos; 2: the window is done but for its last bytes (fewer than 16, not `last`:
  ;; the next window starts at their address pos); -1: give up.
  (func (export "scan") (param $p i32) (param $end i32) (param $delta i32) (param $room i32) (param $out i32) (param $cap i32) (param $last i32) (result i32)
    (local $v v128)
    (local $inside i32)
    (local $brackets i32)
    (local $at i32)
    (local $stop i32)
    (local $r i32)
    (local $v1 v128)
    (local $v2 v128)
    (local $v3 v128)
    (local $in64 i64)
    (local $br64 i64)
    (local $until i32)
    (loop $outer
    ;; 64 bytes at a time while neither a backslash nor a line break is in them.
    (block $short
      (loop $wide
        ;; A 64-byte block ends at most 32 records.
        (br_if $short (i32.gt_u (i32.add (global.get $count) (i32.const 32)) (local.get $cap)))
        (br_if $short (i32.gt_s (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
        (br_if $short (global.get $escape))
        (local.set $v (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))
        (br_if $short (v128.any_true (v128.or
          (v128.or (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5C))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0A))))
                   (v128.or (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x5C))) (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x0A)))))
          (v128.or (v128.or (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x5C))) (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x0A))))
                   (v128.or (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x5C))) (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x0A))))))))
        (local.set $in64 (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x22))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x22))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x22))))) (i64.const 48)))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.shl (local.get $in64) (i64.const 1))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.shl (local.get $in64) (i64.const 2))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.shl (local.get $in64) (i64.const 4))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.shl (local.get $in64) (i64.const 8))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.shl (local.get $in64) (i64.const 16))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.shl (local.get $in64) (i64.const 32))))
        (local.set $in64 (i64.xor (local.get $in64) (i64.extend_i32_s (global.get $inString))))
        ;; The top bit copied down: -1 when a string is open at the block's end.
        (global.set $inString (i32.wrap_i64 (i64.shr_s (local.get $in64) (i64.const 63))))
        (local.set $v (v128.or (local.get $v) (i8x16.splat (i32.const 0x20))))
        (local.set $v1 (v128.or (local.get $v1) (i8x16.splat (i32.const 0x20))))
        (local.set $v2 (v128.or (local.get $v2) (i8x16.splat (i32.const 0x20))))
        (local.set $v3 (v128.or (local.get $v3) (i8x16.splat (i32.const 0x20))))
        (local.set $br64 (i64.and
          (i64.or
            (i64.or (i64.extend_i32_u (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7B))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7D))))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (v128.or (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x7B))) (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x7D)))))) (i64.const 16)))
            (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (v128.or (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x7B))) (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x7D)))))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (v128.or (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x7B))) (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x7D)))))) (i64.const 48))))
          (i64.xor (local.get $in64) (i64.const -1))))
        (block $none64
          (loop $each64
            (br_if $none64 (i64.eqz (local.get $br64)))
            (local.set $at (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $br64)))))
            (local.set $r (call $bracket (i32.load8_u (local.get $at)) (local.get $at) (local.get $delta) (local.get $room) (local.get $out)))
            (if (local.get $r) (then (return (local.get $r))))
            (local.set $br64 (i64.and (local.get $br64) (i64.sub (local.get $br64) (i64.const 1))))
            (br $each64)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $wide)))
    ;; 16 bytes at a time for the next 64 (then 64 at a time again), or to the end.
    (local.set $until (i32.add (local.get $p) (i32.const 64)))
    (block $rest
      (loop $blocks
        ;; A block ends at most 8 records.
        (if (i32.gt_u (i32.add (global.get $count) (i32.const 8)) (local.get $cap))
          (then (global.set $pos (local.get $p)) (return (i32.const 0))))
        (br_if $rest (i32.gt_s (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (local.get $p)))
        (if (i32.or (global.get $escape)
              (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5C)))
                                      (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0A))))))
          (then
            (local.set $at (local.get $p))
            (local.set $stop (i32.add (local.get $p) (i32.const 16)))
            (loop $bytes
              (local.set $r (call $byte (i32.load8_u (local.get $at)) (local.get $at) (local.get $delta) (local.get $room) (local.get $out)))
              (if (local.get $r) (then (return (local.get $r))))
              (local.set $at (i32.add (local.get $at) (i32.const 1)))
              (br_if $bytes (i32.lt_u (local.get $at) (local.get $stop))))
            (local.set $p (local.get $stop))
            (br_if $outer (i32.ge_u (local.get $p) (local.get $until)))
            (br $blocks)))
        ;; Bit i of $inside: byte i is inside a string (or is a string's opening quote).
        (local.set $inside (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))))
        (local.set $inside (i32.xor (local.get $inside) (i32.shl (local.get $inside) (i32.const 1))))
        (local.set $inside (i32.xor (local.get $inside) (i32.shl (local.get $inside) (i32.const 2))))
        (local.set $inside (i32.xor (local.get $inside) (i32.shl (local.get $inside) (i32.const 4))))
        (local.set $inside (i32.xor (local.get $inside) (i32.shl (local.get $inside) (i32.const 8))))
        (local.set $inside (i32.and (i32.xor (local.get $inside) (global.get $inString)) (i32.const 0xFFFF)))
        (global.set $inString (select (i32.const -1) (i32.const 0) (i32.and (local.get $inside) (i32.const 0x8000))))
        ;; Brackets: a byte with 0x20 set is `{` or `[` when 0x7B, `}` or `]` when 0x7D.
        (local.set $v (v128.or (local.get $v) (i8x16.splat (i32.const 0x20))))
        (local.set $brackets (i32.and
          (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7B)))
                                  (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7D)))))
          (i32.xor (local.get $inside) (i32.const 0xFFFF))))
        (block $none
          (loop $each
            (br_if $none (i32.eqz (local.get $brackets)))
            (local.set $at (i32.add (local.get $p) (i32.ctz (local.get $brackets))))
            (local.set $r (call $bracket (i32.load8_u (local.get $at)) (local.get $at) (local.get $delta) (local.get $room) (local.get $out)))
            (if (local.get $r) (then (return (local.get $r))))
            (local.set $brackets (i32.and (local.get $brackets) (i32.sub (local.get $brackets) (i32.const 1))))
            (br $each)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $outer (i32.ge_u (local.get $p) (local.get $until)))
        (br $blocks)))
    )
    (if (i32.eqz (local.get $last))
      (then (global.set $pos (local.get $p)) (return (i32.const 2))))
    (loop $bytes
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $r (call $byte (i32.load8_u (local.get $p)) (local.get $p) (local.get $delta) (local.get $room) (local.get $out)))
      (if (local.get $r) (then (return (local.get $r))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $bytes))
    (i32.const -1))

  ;; The line breaks of an NDJSON file's bytes, for recordScan.ts scanLines: addresses [p, end), 64 bytes at a time.
  ;; Each line break is written at `out` as an i32, its address plus `delta`, with the sign bit set when the line it
  ;; ends holds more than `limit` opening brackets (`{` and `[`, counted anywhere in the line, strings too: only such a
  ;; line can nest deeper than `limit`; jsonStream.ts bracketsMoreThan counts the same). The count of the line not yet
  ;; ended is carried in $openers from one call to the next (`reset` clears it). Returns how many were written: it stops
  ;; at `end`, or when `out` might not hold a block's line breaks (fewer than 64 of `cap` left), at $pos.
  (func (export "lines") (param $p i32) (param $end i32) (param $delta i32) (param $limit i32) (param $out i32) (param $cap i32) (result i32)
    (local $n i32)
    (local $count i32)
    (local $c i32)
    (local $v v128)
    (local $v1 v128)
    (local $v2 v128)
    (local $v3 v128)
    (local $nl i64)
    (local $op i64)
    (local $bit i64)
    (local.set $count (global.get $openers))
    (block $short
      (loop $wide
        (br_if $short (i32.gt_s (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
        (if (i32.gt_u (i32.add (local.get $n) (i32.const 64)) (local.get $cap))
          (then
            (global.set $pos (local.get $p))
            (global.set $openers (local.get $count))
            (return (local.get $n))))
        (local.set $v (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))
        (local.set $nl (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0A)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x0A))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x0A))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x0A))))) (i64.const 48)))))
        ;; `{` 0x7B and `[` 0x5B differ only in 0x20: with it set, both are 0x7B.
        (local.set $v (v128.or (local.get $v) (i8x16.splat (i32.const 0x20))))
        (local.set $v1 (v128.or (local.get $v1) (i8x16.splat (i32.const 0x20))))
        (local.set $v2 (v128.or (local.get $v2) (i8x16.splat (i32.const 0x20))))
        (local.set $v3 (v128.or (local.get $v3) (i8x16.splat (i32.const 0x20))))
        (local.set $op (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7B)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x7B))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x7B))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x7B))))) (i64.const 48)))))
        (block $ended
          (loop $each
            (br_if $ended (i64.eqz (local.get $nl)))
            (local.set $bit (i64.ctz (local.get $nl)))
            ;; The openers before this line break end its line; the rest start the next.
            (local.set $count (i32.add (local.get $count)
              (i32.wrap_i64 (i64.popcnt (i64.and (local.get $op) (i64.sub (i64.shl (i64.const 1) (local.get $bit)) (i64.const 1)))))))
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2)))
              (i32.or (i32.add (i32.add (local.get $p) (i32.wrap_i64 (local.get $bit))) (local.get $delta))
                      (select (i32.const 0x80000000) (i32.const 0) (i32.gt_u (local.get $count) (local.get $limit)))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $count (i32.const 0))
            ;; Bits up to the line break's cleared (at bit 63, 2 << 63 wraps to 0 and the mask to all bits).
            (local.set $op (i64.and (local.get $op) (i64.xor (i64.sub (i64.shl (i64.const 2) (local.get $bit)) (i64.const 1)) (i64.const -1))))
            (local.set $nl (i64.and (local.get $nl) (i64.sub (local.get $nl) (i64.const 1))))
            (br $each)))
        (local.set $count (i32.add (local.get $count) (i32.wrap_i64 (i64.popcnt (local.get $op)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $wide)))
    ;; The last bytes (fewer than 64), one at a time.
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (br_if $done (i32.ge_u (local.get $n) (local.get $cap)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 0x0A))
          (then
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2)))
              (i32.or (i32.add (local.get $p) (local.get $delta))
                      (select (i32.const 0x80000000) (i32.const 0) (i32.gt_u (local.get $count) (local.get $limit)))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $count (i32.const 0)))
          (else
            (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7B))
              (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $bytes)))
    (global.set $pos (local.get $p))
    (global.set $openers (local.get $count))
    (local.get $n))

  ;; The first address q in [p, last] where mem[q + d1] is b1 and mem[q + d2] is b2, or -1: where a needle whose bytes
  ;; at d1 and d2 (its two rarest) are b1 and b2 may start, for recordScan.ts pairSearch (the caller compares the rest).
  ;; 64 places at a time: a native search stops at every place of a needle's first byte (thousands a megabyte for the
  ;; rarest letters of JSON keys), this only where both bytes are.
  (func (export "pair") (param $p i32) (param $last i32) (param $d1 i32) (param $b1 i32) (param $d2 i32) (param $b2 i32) (result i32)
    (local $s1 v128)
    (local $s2 v128)
    (local $a i32)
    (local $b i32)
    (local $m i32)
    (local.set $s1 (i8x16.splat (local.get $b1)))
    (local.set $s2 (i8x16.splat (local.get $b2)))
    (block $short
      (loop $wide
        (br_if $short (i32.gt_s (i32.add (local.get $p) (i32.const 63)) (local.get $last)))
        (local.set $a (i32.add (local.get $p) (local.get $d1)))
        (local.set $b (i32.add (local.get $p) (local.get $d2)))
        (if (v128.any_true (v128.or
              (v128.or
                (v128.and (i8x16.eq (v128.load (local.get $a)) (local.get $s1)) (i8x16.eq (v128.load (local.get $b)) (local.get $s2)))
                (v128.and (i8x16.eq (v128.load offset=16 (local.get $a)) (local.get $s1)) (i8x16.eq (v128.load offset=16 (local.get $b)) (local.get $s2))))
              (v128.or
                (v128.and (i8x16.eq (v128.load offset=32 (local.get $a)) (local.get $s1)) (i8x16.eq (v128.load offset=32 (local.get $b)) (local.get $s2)))
                (v128.and (i8x16.eq (v128.load offset=48 (local.get $a)) (local.get $s1)) (i8x16.eq (v128.load offset=48 (local.get $b)) (local.get $s2))))))
          (then
            ;; Which 16 of the 64 (the first where both are).
            (loop $sixteen
              (local.set $m (i8x16.bitmask (v128.and
                (i8x16.eq (v128.load (i32.add (local.get $p) (local.get $d1))) (local.get $s1))
                (i8x16.eq (v128.load (i32.add (local.get $p) (local.get $d2))) (local.get $s2)))))
              (if (local.get $m) (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br $sixteen))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $wide)))
    (block $none
      (loop $bytes
        (br_if $none (i32.gt_s (local.get $p) (local.get $last)))
        (if (i32.and (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $d1))) (local.get $b1))
                     (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $d2))) (local.get $b2)))
          (then (return (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $bytes)))
    (i32.const -1))

  ;; --- members: the top-level members of one line's JSON object, for a run that reads only some of its fields ---
  ;; A line is valid JSON (what JSON.parse takes: RFC 8259) or not; this says yes only when sure, else -1 and the
  ;; caller parses the line (so JSON.parse gives the error). Only ASCII is taken (a byte from 0x80 gives up), and a
  ;; top-level key with a backslash escape gives up (the caller compares keys as bytes).

  ;; Set when $string passed a backslash escape.
  (global $escaped (mut i32) (i32.const 0))

  ;; Past JSON whitespace (space, tab, line feed, carriage return) from p, up to end.
  (func $blank (param $p i32) (param $end i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 0x20)))
        ;; Bits 9, 10, 13 and 32.
        (br_if $done (i64.eqz (i64.and (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $c))) (i64.const 0x100002600))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; Whether c is a hexadecimal digit.
  (func $hex (param $c i32) (result i32)
    (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10))
            (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x61)) (i32.const 6))))

  ;; The rest of a string from p (just after its opening quote): the address after its closing quote, or -1 (a
  ;; control character, a byte from 0x80, an escape JSON does not have, or no closing quote before end). 16 bytes at
  ;; a time while none of them is a quote, a backslash, below 0x20 or from 0x80 (a signed compare finds both).
  (func $string (param $p i32) (param $end i32) (result i32)
    (local $m i32)
    (local $c i32)
    (local $v v128)
    (loop $next
      (if (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $end))
        (then
          (local.set $v (v128.load (local.get $p)))
          (local.set $m (i8x16.bitmask (v128.or
            (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5C))))
            (i8x16.lt_s (local.get $v) (i8x16.splat (i32.const 0x20))))))
          (if (i32.eqz (local.get $m))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br $next)))
          (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $m))))))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (i32.add (local.get $p) (i32.const 1)))))
      (if (i32.eq (local.get $c) (i32.const 0x5C))
        (then
          (global.set $escaped (i32.const 1))
          (if (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (then (return (i32.const -1))))
          (local.set $c (i32.load8_u offset=1 (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 0x75))
            (then
              (if (i32.gt_u (i32.add (local.get $p) (i32.const 6)) (local.get $end)) (then (return (i32.const -1))))
              (if (i32.eqz (i32.and
                    (i32.and (call $hex (i32.load8_u offset=2 (local.get $p))) (call $hex (i32.load8_u offset=3 (local.get $p))))
                    (i32.and (call $hex (i32.load8_u offset=4 (local.get $p))) (call $hex (i32.load8_u offset=5 (local.get $p))))))
                (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $p) (i32.const 6)))
              (br $next)))
          ;; `"` `\` `/` `b` `f` `n` `r` `t`.
          (if (i32.or
                (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x22)) (i32.eq (local.get $c) (i32.const 0x5C)))
                        (i32.or (i32.eq (local.get $c) (i32.const 0x2F)) (i32.eq (local.get $c) (i32.const 0x62))))
                (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x66)) (i32.eq (local.get $c) (i32.const 0x6E)))
                        (i32.or (i32.eq (local.get $c) (i32.const 0x72)) (i32.eq (local.get $c) (i32.const 0x74)))))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 2)))
              (br $next)))
          (return (i32.const -1))))
      (if (i32.ge_u (i32.sub (local.get $c) (i32.const 0x20)) (i32.const 0x60)) (then (return (i32.const -1))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next))
    (i32.const -1))

  ;; Past the decimal digits from p, up to end.
  (func $digits (param $p i32) (param $end i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (br_if $done (i32.ge_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)) (i32.const 10)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; A number from p (JSON's: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?): the address after it, or -1.
  (func $number (param $p i32) (param $end i32) (result i32)
    (local $q i32)
    (local $c i32)
    (if (i32.and (i32.lt_u (local.get $p) (local.get $end)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2D)))
      (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x30))
      (then (local.set $p (i32.add (local.get $p) (i32.const 1))))
      (else
        (if (i32.ge_u (i32.sub (local.get $c) (i32.const 0x31)) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $p (call $digits (i32.add (local.get $p) (i32.const 1)) (local.get $end)))))
    (if (i32.and (i32.lt_u (local.get $p) (local.get $end)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2E)))
      (then
        (local.set $q (call $digits (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
        (if (i32.eq (local.get $q) (i32.add (local.get $p) (i32.const 1))) (then (return (i32.const -1))))
        (local.set $p (local.get $q))))
    (if (i32.and (i32.lt_u (local.get $p) (local.get $end)) (i32.eq (i32.or (i32.load8_u (local.get $p)) (i32.const 0x20)) (i32.const 0x65)))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.lt_u (local.get $p) (local.get $end))
          (then
            (local.set $c (i32.load8_u (local.get $p)))
            (if (i32.or (i32.eq (local.get $c) (i32.const 0x2B)) (i32.eq (local.get $c) (i32.const 0x2D)))
              (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))))
        (local.set $q (call $digits (local.get $p) (local.get $end)))
        (if (i32.eq (local.get $q) (local.get $p)) (then (return (i32.const -1))))
        (local.set $p (local.get $q))))
    (local.get $p))

  ;; Bytes [p, end) as one JSON object, with JSON whitespace around it: the number of its members (each written at
  ;; `out` as four i32 addresses: its key's first byte and closing quote, its value's first byte and the byte after
  ;; it, this last with its sign bit set when the value holds a backslash escape), or -1 when they are not certainly valid JSON (see above), nest more than 4096 deep, or have more than `cap`
  ;; members. The open containers' brackets are the stack at address 0, as for $bracket.
  (func (export "members") (param $p i32) (param $end i32) (param $out i32) (param $cap i32) (result i32)
    (local $depth i32)
    (local $n i32)
    (local $c i32)
    (local $slot i32)
    ;; What the next bytes are: 0 a value, 1 what follows a value, 2 a key.
    (local $state i32)
    (local.set $p (call $blank (local.get $p) (local.get $end)))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7B)) (then (return (i32.const -1))))
    (loop $next
      (if (i32.eqz (local.get $state))
        (then
          (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
          (local.set $c (i32.load8_u (local.get $p)))
          (local.set $state (i32.const 1))
          (if (i32.eq (local.get $c) (i32.const 0x22))
            (then
              (local.set $p (call $string (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
              (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
              (br $next)))
          (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7B))
            (then
              (if (i32.ge_u (local.get $depth) (i32.const 4096)) (then (return (i32.const -1))))
              (i32.store8 (local.get $depth) (local.get $c))
              (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
              (local.set $p (call $blank (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
              (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
              ;; Empty: closed at once (each closer is its opener + 2).
              (if (i32.eq (i32.load8_u (local.get $p)) (i32.add (local.get $c) (i32.const 2)))
                (then
                  (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (br $next)))
              (local.set $state (select (i32.const 2) (i32.const 0) (i32.eq (local.get $c) (i32.const 0x7B))))
              (br $next)))
          ;; `true`, `null` and `alse` of `false` as little-endian i32.
          (if (i32.eq (local.get $c) (i32.const 0x74))
            (then
              (if (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $end)) (then (return (i32.const -1))))
              (if (i32.ne (i32.load (local.get $p)) (i32.const 0x65757274)) (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br $next)))
          (if (i32.eq (local.get $c) (i32.const 0x6E))
            (then
              (if (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $end)) (then (return (i32.const -1))))
              (if (i32.ne (i32.load (local.get $p)) (i32.const 0x6C6C756E)) (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br $next)))
          (if (i32.eq (local.get $c) (i32.const 0x66))
            (then
              (if (i32.gt_u (i32.add (local.get $p) (i32.const 5)) (local.get $end)) (then (return (i32.const -1))))
              (if (i32.ne (i32.load offset=1 (local.get $p)) (i32.const 0x65736C61)) (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $p) (i32.const 5)))
              (br $next)))
          (local.set $p (call $number (local.get $p) (local.get $end)))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
          (br $next)))
      (if (i32.eq (local.get $state) (i32.const 1))
        (then
          ;; A value ended: at depth 1 it was a member's of the object; at depth 0, the object itself.
          (if (i32.eq (local.get $depth) (i32.const 1))
            (then
              (i32.store offset=12 (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 4)))
                (i32.or (local.get $p) (select (i32.const 0x80000000) (i32.const 0) (global.get $escaped))))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))))
          (local.set $p (call $blank (local.get $p) (local.get $end)))
          (if (i32.eqz (local.get $depth))
            (then (return (select (local.get $n) (i32.const -1) (i32.eq (local.get $p) (local.get $end))))))
          (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
          (local.set $c (i32.load8_u (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 0x2C))
            (then
              (local.set $p (call $blank (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
              (local.set $state (select (i32.const 2) (i32.const 0)
                (i32.eq (i32.load8_u (i32.sub (local.get $depth) (i32.const 1))) (i32.const 0x7B))))
              (br $next)))
          (if (i32.ne (local.get $c) (i32.add (i32.load8_u (i32.sub (local.get $depth) (i32.const 1))) (i32.const 2)))
            (then (return (i32.const -1))))
          (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next)))
      ;; A key, then `:`.
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
      (if (i32.eq (local.get $depth) (i32.const 1)) (then (global.set $escaped (i32.const 0))))
      (local.set $c (call $string (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
      (if (i32.lt_s (local.get $c) (i32.const 0)) (then (return (i32.const -1))))
      (local.set $slot (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 4))))
      (if (i32.eq (local.get $depth) (i32.const 1))
        (then
          (if (i32.or (global.get $escaped) (i32.ge_u (local.get $n) (local.get $cap))) (then (return (i32.const -1))))
          (i32.store (local.get $slot) (i32.add (local.get $p) (i32.const 1)))
          (i32.store offset=4 (local.get $slot) (i32.sub (local.get $c) (i32.const 1)))))
      (local.set $p (call $blank (local.get $c) (local.get $end)))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3A)) (then (return (i32.const -1))))
      (local.set $p (call $blank (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
      (if (i32.eq (local.get $depth) (i32.const 1))
        (then
          (i32.store offset=8 (local.get $slot) (local.get $p))
          (global.set $escaped (i32.const 0))))
      (local.set $state (i32.const 0))
      (br $next))
    (i32.const -1))
)
