// Symbolic dim bindings as the editor gives them: one `layerlens.dims` setting for a whole workspace,
// applied to each model for the names that model has (a model without `seq` is still analysed when
// the setting binds `seq`), and messages that name the setting, not the command line's flags.
import type { Model } from '../../core/ir/model';
import type { DimBindings } from '../../protocol/rpc';

/** The bindings that name a symbolic dim of the model's inputs. */
export function applicable(model: Model, dims: DimBindings): DimBindings {
  const names = new Set<string>();
  for (const v of model.graph.inputs) if (!v.initializer && v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') names.add(d);
  return Object.fromEntries(Object.entries(dims).filter(([k]) => names.has(k)));
}

/**
 * A message from the analysis in the editor's terms: the command line's `--dim NAME=N` and
 * `--input NAME=AxB` become the `layerlens.dims` setting (the editor binds dims only by name).
 */
export function editorTerms(message: string): string {
  return message
    .replace(/--dim ([^\s:=]+)=\S+/g, 'the layerlens.dims setting ("$1": N)')
    .replace(/--dim ([^\s:=]+)/g, 'the layerlens.dims setting ("$1")')
    .replace(/--input [^\s:=]+=\S+ or /g, '')
    .replace(/--input ([^\s:=]+)=\S+/g, "the layerlens.dims setting (sizes for the symbolic dims of '$1')")
    .replace(/--input ([^\s:=]+)/g, "input '$1'")
    .replace(/ or name a dim with /g, ' or set ');
}
