package bluechip

import (
	"encoding/json"
	"fmt"
)

// RPCError is an error the bridge answered (or one this binding made in its image when the carrier
// failed). Every typed error (BusyError, OutcomeUnknownError, …) wraps one: errors.As(err, &rpcErr)
// works for all of them.
type RPCError struct {
	// Code is the JSON-RPC error code (CodeBusy, CodeOutcomeUnknown, …).
	Code    int
	Message string
	// Data is the error's data: Data.Code is the library's typed code (busy, outcome_unknown…),
	// Data.Action what to do.
	Data ErrorData
	// Method is the bridge method that failed.
	Method string
	cause  error
}

func (e *RPCError) Error() string {
	text := fmt.Sprintf("bluechip: %s: %s (%d", e.Method, e.Message, e.Code)
	if e.Data.Code != "" {
		text += " " + e.Data.Code
	}
	text += ")"
	if e.Data.Path != "" {
		text += " at " + e.Data.Path
	}
	if e.cause != nil {
		text += ": " + e.cause.Error()
	}
	return text
}

// Unwrap gives the cause when the binding made the error (a context error, the carrier's failure).
func (e *RPCError) Unwrap() error { return e.cause }

// OutcomeUnknown is true when the request may have reached the terminal: never resend blind, retry with
// the same idempotency key or look the outcome up (Terminal.OutcomeGet, Terminal.Reconcile).
func (e *RPCError) OutcomeUnknown() bool {
	return e.Data.OutcomeUnknown != nil && *e.Data.OutcomeUnknown
}

// FlowID is the flow the error belongs to, when the bridge said.
func (e *RPCError) FlowID() string {
	if e.Data.FlowID == nil {
		return ""
	}
	return *e.Data.FlowID
}

// rpcError decodes a JSON-RPC error object into its typed error.
func rpcError(method string, raw json.RawMessage) error {
	var wire struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		return carrierError(method, "the bridge sent an unreadable error object", true, err)
	}
	e := &RPCError{Code: wire.Code, Message: wire.Message, Method: method}
	if len(wire.Data) > 0 && string(wire.Data) != "null" {
		// A data object of another shape keeps the code and message: the error is still typed by code.
		_ = json.Unmarshal(wire.Data, &e.Data)
	}
	if e.Data.Action == "" {
		if action, ok := ErrorActions[e.Data.Code]; ok {
			e.Data.Action = action
		}
	}
	return typedError(e)
}

// carrierError is the error of a call whose carrier failed (the bridge process died, the socket or the
// NATS connection closed, an answer could not be read): ClosedError with data.code "bridge_closed", and
// outcomeUnknown when the request had been written.
func carrierError(method, message string, sent bool, cause error) error {
	unknown := sent
	e := &RPCError{
		Code:    CodeClosed,
		Message: message,
		Method:  method,
		Data:    ErrorData{Code: "bridge_closed", Action: "Open again; if outcomeUnknown, look the outcome up by its idempotency key.", OutcomeUnknown: &unknown},
		cause:   cause,
	}
	return &ClosedError{e}
}

// abortedError is the error of a call whose context ended before the bridge answered the cancel.
func abortedError(method string, sent bool, cause error) error {
	unknown := sent
	return &AbortedError{&RPCError{
		Code:    CodeAborted,
		Message: "cancelled: stopped waiting",
		Method:  method,
		Data:    ErrorData{Code: "aborted", Action: ErrorActions["aborted"], OutcomeUnknown: &unknown},
		cause:   cause,
	}}
}
