package model

import (
	"reflect"
	"testing"
	"time"
)

// digestIgnores are the fields of a Transaction that neither
// TransactionChanges nor ProjectionDigest looks at: who holds it, when it
// was stored, and the identity its id already derives from.
var digestIgnores = map[string]bool{"WorkspaceID": true, "ConnectionID": true, "Network": true, "SourceKey": true,
	"CreatedAt": true, "UpdatedAt": true, "DeletedAt": true}

func digestBase() Transaction {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	ref := "o-1"
	yes := true
	return Transaction{ID: "tx_1", WorkspaceID: "ws", ConnectionID: "c", Network: "amazon", SourceKey: "s:u1",
		Status: StatusPending, NetworkStatus: "shipped", Currency: "USD", SaleAmount: 2999, Commission: 120, Quantity: 1,
		Program: "amazon.com", Channel: "shop-20", Customs: []string{"u1"}, SoldAt: day, OrderRef: &ref, CreatedAt: day,
		Items: []Item{{SKU: "B1", Name: "n", Category: "c", Seller: "s", Quantity: 1, Price: 2999, Device: "d", LinkType: "l", Direct: &yes}}}
}

// mutate changes one field of v, whatever its kind, to another value.
func mutate(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			mutate(t, v.Elem())
		} else {
			v.Set(reflect.Zero(v.Type()))
		}
	case reflect.Struct:
		if tm, ok := v.Addr().Interface().(*time.Time); ok {
			*tm = tm.Add(time.Second)
			return
		}
		fallthrough
	default:
		t.Fatalf("no mutation for a %s", v.Type())
	}
}

// TestProjectionDigest: every field of a transaction and of its items, but
// the ones both ignore, changes the digest, and a change TransactionChanges
// sees always does (the converse need not hold: a digest that differs only
// sends the group the long way, through the upsert's comparison); a field
// added to either struct fails here until the digest takes it (or
// digestIgnores names it).
func TestProjectionDigest(t *testing.T) {
	base := digestBase()
	want := ProjectionDigest([]Transaction{base})
	if again := ProjectionDigest([]Transaction{digestBase()}); again != want {
		t.Fatal("the same transaction hashes differently")
	}
	check := func(name string, x Transaction) {
		t.Helper()
		same := ProjectionDigest([]Transaction{x}) == want
		noChange := len(TransactionChanges(base, x)) == 0
		if name == "ID" {
			noChange = false // the id is compared by the upsert, by key
		}
		if same && !noChange {
			t.Errorf("%s changed: the digest is the same, yet TransactionChanges finds a change", name)
		}
		if same != digestIgnores[name] {
			t.Errorf("%s changed: digest same %v, want %v", name, same, digestIgnores[name])
		}
	}
	typ := reflect.TypeFor[Transaction]()
	for i := range typ.NumField() {
		x := digestBase()
		mutate(t, reflect.ValueOf(&x).Elem().Field(i))
		check(typ.Field(i).Name, x)
	}
	itemType := reflect.TypeFor[Item]()
	for i := range itemType.NumField() {
		x := digestBase()
		mutate(t, reflect.ValueOf(&x.Items[0]).Elem().Field(i))
		check("Items."+itemType.Field(i).Name, x)
	}
	// The forms sameFields takes as equal hash alike.
	empty := ""
	for name, edit := range map[string]func(x *Transaction){
		"nil order ref as empty": func(x *Transaction) { x.OrderRef = &empty },
		"sold at in another zone": func(x *Transaction) {
			x.SoldAt = x.SoldAt.In(time.FixedZone("X", 3600))
		},
		"nil customs as empty": func(x *Transaction) { x.Customs = []string{} },
	} {
		a, b := digestBase(), digestBase()
		a.OrderRef, a.Customs = nil, nil
		b.OrderRef, b.Customs = nil, nil
		edit(&b)
		if ProjectionDigest([]Transaction{a}) != ProjectionDigest([]Transaction{b}) || len(TransactionChanges(a, b)) != 0 {
			t.Errorf("%s: hashes differently or is a change", name)
		}
	}
	// A list is its transactions in order: none, one more, another order.
	other := digestBase()
	other.ID = "tx_2"
	lists := map[string][]Transaction{"none": nil, "one": {base}, "two": {base, other}, "two swapped": {other, base},
		"customs split": {withCustoms(base, "ab"), withCustoms(other, "")}, "customs split otherwise": {withCustoms(base, "a"), withCustoms(other, "b")}}
	seen := map[Digest]string{}
	for name, l := range lists {
		d := ProjectionDigest(l)
		if prev, ok := seen[d]; ok {
			t.Errorf("%s and %s hash alike", name, prev)
		}
		seen[d] = name
	}
}

func withCustoms(x Transaction, c string) Transaction {
	x.Customs = []string{c}
	return x
}
