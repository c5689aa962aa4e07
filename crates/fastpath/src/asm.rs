//! eBPF instructions, written out in Rust: the kernel's instruction set
//! (Documentation/bpf/standardization/instruction-set.rst) encoded by
//! hand, with labels for jumps. The forwarding program is small (about
//! ninety instructions), so an assembler of this size replaces a C
//! compiler with a BPF back end at build time.

/// A register: `R0` returns and holds helpers' results, `R1`–`R5` carry
/// helpers' arguments (and are lost across calls), `R6`–`R9` survive
/// calls, `R10` is the read-only frame pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reg(u8);

pub const R0: Reg = Reg(0);
pub const R1: Reg = Reg(1);
pub const R2: Reg = Reg(2);
pub const R3: Reg = Reg(3);
pub const R4: Reg = Reg(4);
pub const R5: Reg = Reg(5);
pub const R6: Reg = Reg(6);
pub const R7: Reg = Reg(7);
pub const R8: Reg = Reg(8);
pub const FP: Reg = Reg(10);

/// The width of a load or store.
#[derive(Clone, Copy, Debug)]
pub enum Size {
    U8,
    U16,
    U32,
    U64,
}

impl Size {
    fn bits(self) -> u8 {
        match self {
            Size::U32 => 0x00,
            Size::U16 => 0x08,
            Size::U8 => 0x10,
            Size::U64 => 0x18,
        }
    }
}

/// A comparison of a conditional jump; unsigned unless named so.
#[derive(Clone, Copy, Debug)]
pub enum Cond {
    Eq,
    Ne,
    Gt,
    Ge,
    /// `dst & operand != 0`.
    Set,
}

impl Cond {
    fn op(self) -> u8 {
        match self {
            Cond::Eq => 0x10,
            Cond::Gt => 0x20,
            Cond::Ge => 0x30,
            Cond::Set => 0x40,
            Cond::Ne => 0x50,
        }
    }
}

// Instruction classes and fields.
const LD: u8 = 0x00;
const LDX: u8 = 0x01;
const STX: u8 = 0x03;
const ALU: u8 = 0x04;
const JMP: u8 = 0x05;
const ALU64: u8 = 0x07;
const MEM: u8 = 0x60;
const ATOMIC: u8 = 0xc0;
const IMM: u8 = 0x00;
const K: u8 = 0x00;
const X: u8 = 0x08;
const ADD: u8 = 0x00;
const AND: u8 = 0x50;
const MOV: u8 = 0xb0;
const END: u8 = 0xd0;
const TO_BE: u8 = 0x08;
const CALL: u8 = 0x80;
const EXIT: u8 = 0x90;
/// An atomic add that also returns the old value in the source register.
const FETCH_ADD: i32 = 0x01;
/// `ld_imm64` whose constant is a map's file descriptor.
const PSEUDO_MAP_FD: u8 = 1;

/// A place in the program a jump can go to.
#[derive(Clone, Copy, Debug)]
pub struct Label(usize);

/// A program being written.
#[derive(Default)]
pub struct Asm {
    code: Vec<[u8; 8]>,
    /// Where each label is, once placed.
    labels: Vec<Option<usize>>,
    /// Jumps to patch: instruction index, label.
    jumps: Vec<(usize, Label)>,
}

impl Asm {
    fn emit(&mut self, op: u8, dst: Reg, src: Reg, off: i16, imm: i32) {
        let mut insn = [0u8; 8];
        insn[0] = op;
        insn[1] = (src.0 << 4) | dst.0;
        insn[2..4].copy_from_slice(&off.to_le_bytes());
        insn[4..8].copy_from_slice(&imm.to_le_bytes());
        self.code.push(insn);
    }

    /// A label to place later with [`Asm::here`].
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    /// Places `label` at the next instruction.
    pub fn here(&mut self, label: Label) {
        self.labels[label.0] = Some(self.code.len());
    }

    /// `dst = imm` (64-bit, sign-extended).
    pub fn mov_imm(&mut self, dst: Reg, imm: i32) {
        self.emit(ALU64 | MOV | K, dst, R0, 0, imm);
    }

    /// `dst = src`.
    pub fn mov(&mut self, dst: Reg, src: Reg) {
        self.emit(ALU64 | MOV | X, dst, src, 0, 0);
    }

    /// `dst += imm` (64-bit).
    pub fn add_imm(&mut self, dst: Reg, imm: i32) {
        self.emit(ALU64 | ADD | K, dst, R0, 0, imm);
    }

    /// `dst &= imm` (64-bit).
    pub fn and_imm(&mut self, dst: Reg, imm: i32) {
        self.emit(ALU64 | AND | K, dst, R0, 0, imm);
    }

    /// The low 16 bits of `dst` from network to host order.
    pub fn be16(&mut self, dst: Reg) {
        self.emit(ALU | END | TO_BE, dst, R0, 0, 16);
    }

    /// `dst = *(size *)(src + off)`.
    pub fn load(&mut self, size: Size, dst: Reg, src: Reg, off: i16) {
        self.emit(LDX | MEM | size.bits(), dst, src, off, 0);
    }

    /// `*(size *)(dst + off) = src`.
    pub fn store(&mut self, size: Size, dst: Reg, off: i16, src: Reg) {
        self.emit(STX | MEM | size.bits(), dst, src, off, 0);
    }

    /// Atomically `*(size *)(dst + off) += src`, with the old value left
    /// in `src`. Fully ordered, as the kernel's `atomic_fetch_add`.
    pub fn fetch_add(&mut self, size: Size, dst: Reg, off: i16, src: Reg) {
        self.emit(STX | ATOMIC | size.bits(), dst, src, off, FETCH_ADD);
    }

    /// `dst = ` the map whose descriptor is `fd` (two instruction slots).
    pub fn load_map(&mut self, dst: Reg, fd: i32) {
        self.emit(LD | IMM | Size::U64.bits(), dst, Reg(PSEUDO_MAP_FD), 0, fd);
        self.emit(0, R0, R0, 0, 0);
    }

    /// `if dst <cond> imm goto to`.
    pub fn jump_imm(&mut self, cond: Cond, dst: Reg, imm: i32, to: Label) {
        self.jumps.push((self.code.len(), to));
        self.emit(JMP | cond.op() | K, dst, R0, 0, imm);
    }

    /// `if dst <cond> src goto to`.
    pub fn jump(&mut self, cond: Cond, dst: Reg, src: Reg, to: Label) {
        self.jumps.push((self.code.len(), to));
        self.emit(JMP | cond.op() | X, dst, src, 0, 0);
    }

    /// Calls kernel helper number `helper`.
    pub fn call(&mut self, helper: i32) {
        self.emit(JMP | CALL, R0, R0, 0, helper);
    }

    /// Returns `R0`.
    pub fn exit(&mut self) {
        self.emit(JMP | EXIT, R0, R0, 0, 0);
    }

    /// The finished instructions, jumps resolved.
    ///
    /// # Panics
    /// When a label jumped to was never placed: a mistake in the program's
    /// text, found by its tests.
    pub fn finish(mut self) -> Vec<u8> {
        for &(at, label) in &self.jumps {
            let target = self.labels[label.0].expect("a label jumped to is placed");
            let off = i16::try_from(target as isize - at as isize - 1)
                .expect("a jump within the program");
            self.code[at][2..4].copy_from_slice(&off.to_le_bytes());
        }
        self.code.concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_kernel_documents() {
        let mut a = Asm::default();
        let end = a.label();
        a.mov_imm(R0, -1); // b7 00 00 00 ff ff ff ff
        a.load(Size::U32, R2, R6, 76); // 61 62 4c 00 00 00 00 00
        a.jump_imm(Cond::Ne, R4, 8, end); // 55 04 01 00 08 00 00 00
        a.fetch_add(Size::U32, R7, 0, R1); // c3 17 00 00 01 00 00 00
        a.here(end);
        a.exit(); // 95 00 00 00 00 00 00 00
        assert_eq!(
            a.finish(),
            [
                0xb7, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, //
                0x61, 0x62, 0x4c, 0, 0, 0, 0, 0, //
                0x55, 0x04, 0x01, 0, 0x08, 0, 0, 0, //
                0xc3, 0x17, 0, 0, 0x01, 0, 0, 0, //
                0x95, 0, 0, 0, 0, 0, 0, 0,
            ]
        );
    }

    #[test]
    fn a_backward_jump_is_negative() {
        let mut a = Asm::default();
        let top = a.label();
        a.here(top);
        a.mov_imm(R0, 0);
        a.jump_imm(Cond::Eq, R0, 0, top);
        let code = a.finish();
        assert_eq!(i16::from_le_bytes([code[10], code[11]]), -2);
    }
}
