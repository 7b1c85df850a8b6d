// `express4` is Express 4 installed under an alias (package.json); its API here is the one
// @types/express describes for Express 5 (express(), Router, json, use, listen).
declare module 'express4' {
  import express from 'express';
  export default express;
}
