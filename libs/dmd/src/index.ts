export { DmdError } from "./errors"
export { dmdSystem, loadDmd, type Cardinality, type DmdLoadReport, type LoadDmdOptions } from "./store/load"
