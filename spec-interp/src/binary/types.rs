//! Types (spec 5.3): value, reference, heap, composite, sub and recursive types, limits, and the
//! types of tables, memories, globals and tags.

use super::{values, Decoder};
use crate::design::Design;
use crate::diag::Result;
use crate::syntax::{
    AbsHeapType, AddrType, BlockType, CompType, FieldType, FuncType, GlobalType, HeapType, Limits,
    MemType, RecType, RefType, StorageType, SubType, TableType, TagType, ValType,
};

/// The abstract heap type of a one-byte code, if the design has it.
pub(crate) fn abs_heap_type(code: u8, design: Design) -> Option<AbsHeapType> {
    use AbsHeapType as A;
    let has_cont = matches!(design, Design::TypedCont | Design::EffectHandlers);
    Some(match code {
        0x70 => A::Func,
        0x6F => A::Extern,
        0x6E => A::Any,
        0x6D => A::Eq,
        0x6C => A::I31,
        0x6B => A::Struct,
        0x6A => A::Array,
        0x71 => A::None,
        0x72 => A::NoExtern,
        0x73 => A::NoFunc,
        0x69 => A::Exn,
        0x74 => A::NoExn,
        0x68 if has_cont => A::Cont,
        0x75 if has_cont => A::NoCont,
        _ => return crate::raw_stacks::binary::abs_heap_type(code, design),
    })
}

/// The signed one-byte code of an `s7` value (`-0x10` is `0x70`).
fn code_of(v: i64) -> u8 {
    (v & 0x7f) as u8
}

impl Decoder<'_> {
    /// `heaptype`: a non-negative s33 type index, or an abstract heap type code.
    pub(crate) fn heap_type(&mut self) -> Result<HeapType> {
        let start = self.pos();
        if let Ok(i) = self.s33() {
            if i >= 0 {
                return Ok(HeapType::Concrete(i as u32));
            }
        }
        self.reset(start);
        let v = self.s7()?;
        match abs_heap_type(code_of(v), self.design) {
            Some(abs) if v < 0 => Ok(HeapType::Abs(abs)),
            _ => Err(self.error_at(start, "malformed heap type")),
        }
    }

    /// `reftype`: `0x64 ht` (non-null), `0x63 ht` (nullable) or an abstract shorthand.
    pub(crate) fn ref_type(&mut self) -> Result<RefType> {
        let start = self.pos();
        let v = self.s7()?;
        self.ref_type_after(start, v)
    }

    fn ref_type_after(&mut self, start: usize, v: i64) -> Result<RefType> {
        if v < 0 {
            match code_of(v) {
                0x64 => return Ok(RefType::new(false, self.heap_type()?)),
                0x63 => return Ok(RefType::new(true, self.heap_type()?)),
                code => {
                    if let Some(abs) = abs_heap_type(code, self.design) {
                        return Ok(RefType::abs(true, abs));
                    }
                }
            }
        }
        Err(self.error_at(start, "malformed reference type"))
    }

    /// `valtype`: a number, vector or reference type.
    pub(crate) fn val_type(&mut self) -> Result<ValType> {
        let start = self.pos();
        let v = self.s7()?;
        Ok(match v {
            -0x01 => ValType::I32,
            -0x02 => ValType::I64,
            -0x03 => ValType::F32,
            -0x04 => ValType::F64,
            -0x05 => ValType::V128,
            _ => ValType::Ref(self.ref_type_after(start, v)?),
        })
    }

    fn storage_type(&mut self) -> Result<StorageType> {
        let start = self.pos();
        match self.s7() {
            Ok(-0x08) => return Ok(StorageType::I8),
            Ok(-0x09) => return Ok(StorageType::I16),
            _ => {}
        }
        self.reset(start);
        Ok(StorageType::Val(self.val_type()?))
    }

    pub(crate) fn mutability(&mut self) -> Result<bool> {
        let start = self.pos();
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.error_at(start, "malformed mutability")),
        }
    }

    fn field_type(&mut self) -> Result<FieldType> {
        let storage = self.storage_type()?;
        let mutable = self.mutability()?;
        Ok(FieldType { storage, mutable })
    }

    pub(crate) fn func_type(&mut self) -> Result<FuncType> {
        let params = self.vec(Self::val_type)?;
        let results = self.vec(Self::val_type)?;
        Ok(FuncType { params, results })
    }

    /// A type index encoded as a non-negative s33 (`cont $ft`).
    pub(crate) fn s33_type_idx(&mut self) -> Result<u32> {
        let start = self.pos();
        let i = self.s33()?;
        if i < 0 {
            return Err(self.error_at(start, "malformed type index"));
        }
        Ok(i as u32)
    }

    /// `comptype`: `func`, `struct`, `array`, or a design's composite type.
    fn comp_type(&mut self) -> Result<CompType> {
        let start = self.pos();
        let v = self.s7()?;
        let has_cont = matches!(self.design, Design::TypedCont | Design::EffectHandlers);
        Ok(match v {
            -0x20 => CompType::Func(self.func_type()?),
            -0x21 => CompType::Struct(self.vec(Self::field_type)?),
            -0x22 => CompType::Array(self.field_type()?),
            -0x23 if has_cont => CompType::Cont(self.s33_type_idx()?),
            _ if v < 0 => match crate::raw_stacks::binary::comp_type(self, code_of(v))? {
                Some(comp) => comp,
                None => return Err(self.error_at(start, "malformed definition type")),
            },
            _ => return Err(self.error_at(start, "malformed definition type")),
        })
    }

    /// `subtype`: `0x50 x* ct` (open), `0x4F x* ct` (final), or a bare final `ct`.
    fn sub_type(&mut self) -> Result<SubType> {
        let start = self.pos();
        let (is_final, supers) = match self.peek() {
            Some(0x50) => {
                self.skip(1)?;
                (false, self.run(values::idx_vec)?)
            }
            Some(0x4F) => {
                self.skip(1)?;
                (true, self.run(values::idx_vec)?)
            }
            _ => (true, Vec::new()),
        };
        let comp = self.comp_type()?;
        Ok(SubType {
            is_final,
            supers,
            comp,
            span: self.span_from(start),
        })
    }

    /// `rectype`: `0x4E subtype*`, or one sub type forming a group of its own.
    pub(crate) fn rec_type(&mut self) -> Result<RecType> {
        let start = self.pos();
        let types = if self.peek() == Some(0x4E) {
            self.skip(1)?;
            self.vec(Self::sub_type)?
        } else {
            vec![self.sub_type()?]
        };
        Ok(RecType {
            types,
            span: self.span_from(start),
        })
    }

    /// `limits` with the address type flag (memory64 / table64).
    fn limits(&mut self) -> Result<(AddrType, Limits)> {
        let start = self.pos();
        let flags = self.byte()?;
        if flags & !0x05 != 0 {
            return Err(self.error_at(start, "malformed limits flags"));
        }
        let addr = if flags & 0x04 != 0 {
            AddrType::I64
        } else {
            AddrType::I32
        };
        let min = self.u64()?;
        let max = if flags & 0x01 != 0 {
            Some(self.u64()?)
        } else {
            None
        };
        Ok((addr, Limits { min, max }))
    }

    pub(crate) fn table_type(&mut self) -> Result<TableType> {
        let elem = self.ref_type()?;
        let (addr, limits) = self.limits()?;
        Ok(TableType { addr, limits, elem })
    }

    pub(crate) fn mem_type(&mut self) -> Result<MemType> {
        let (addr, limits) = self.limits()?;
        Ok(MemType { addr, limits })
    }

    pub(crate) fn global_type(&mut self) -> Result<GlobalType> {
        let val = self.val_type()?;
        let mutable = self.mutability()?;
        Ok(GlobalType { mutable, val })
    }

    /// `tagtype`: the attribute byte 0x00 (exception), then a function type index.
    pub(crate) fn tag_type(&mut self) -> Result<TagType> {
        self.zero()?;
        Ok(TagType {
            type_idx: self.idx()?,
        })
    }

    /// `blocktype`: a non-negative s33 type index, `0x40` (empty) or a value type.
    pub(crate) fn block_type(&mut self) -> Result<BlockType> {
        let start = self.pos();
        if let Ok(i) = self.s33() {
            if i >= 0 {
                return Ok(BlockType::Type(i as u32));
            }
        }
        self.reset(start);
        if self.peek() == Some(0x40) {
            self.skip(1)?;
            return Ok(BlockType::Empty);
        }
        Ok(BlockType::Val(self.val_type()?))
    }
}
