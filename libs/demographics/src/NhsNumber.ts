/**
 * NHS numbers: ten digits, the last a modulus 11 check digit over the first nine
 * (https://www.datadictionary.nhs.uk/attributes/nhs_number.html). A remainder giving 10 never
 * makes a valid number.
 */

export const nhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number"

/** The check digit for nine digits, or `undefined` when none exists. */
export const nhsNumberCheckDigit = (nineDigits: string): number | undefined => {
  let sum = 0
  for (let position = 0; position < 9; position++) sum += Number(nineDigits[position]) * (10 - position)
  const check = 11 - (sum % 11)
  return check === 11 ? 0 : check === 10 ? undefined : check
}

/** True for ten digits whose last is the modulus 11 check digit of the first nine. */
export const isValidNhsNumber = (value: string): boolean =>
  /^\d{10}$/.test(value) && nhsNumberCheckDigit(value.slice(0, 9)) === Number(value[9])
