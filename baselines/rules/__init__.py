"""A transparent dictionary-and-pattern PLOVER coder (in the tradition of PETRARCH, written anew)."""

from baselines.rules.coder import RuleCoder, code_document

__all__ = ["RuleCoder", "code_document"]
