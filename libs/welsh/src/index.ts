export * from "./coverage"
export * from "./csv"
export * from "./rf2"
export * from "./WelshTerms"
