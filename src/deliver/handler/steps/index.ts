/** Registers every default step set (import for the side effect). */
import './product';
import './customer';
import './customer-group';
import './order';
import './stock';
import './commercetools';
import './thin';
